import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MultipleErrors,
  NetworkError,
  ProtocolError,
  ResponseError,
  UnsupportedApiError,
  UserError,
} from '@platformatic/kafka';
import { CliError, explainError, kafkaError } from '../../src/cli/errors.ts';
import { ConfigError } from '../../src/common/config-error.ts';

// Error trees shaped like the client library's own: an aggregate per operation around the cause.
function refused(): Error {
  const socketError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  return new MultipleErrors('Listing topics failed.', [
    new MultipleErrors('Cannot connect to any broker.', [
      new NetworkError('Connection to 127.0.0.1:1 failed.', { cause: socketError }),
    ]),
  ]);
}

function brokerRefusal(code: number, message: string): Error {
  return new MultipleErrors('Creating topics failed.', [
    new ResponseError(19, 7, { '/topics/0': [code, message] }, {}),
  ]);
}

describe('explainError', () => {
  const context = { bootstrap: '127.0.0.1:1', action: "create topic 'x'", topic: 'x' };

  it('says the broker cannot be reached, why, and how to get one', () => {
    assert.equal(
      explainError(refused(), context),
      "cannot reach the broker at 127.0.0.1:1 (connection refused): start one with 'nagare dev' or pass --bootstrap-server",
    );
  });

  it("gives the broker's own message and the Kafka error name", () => {
    const err = brokerRefusal(
      40,
      'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    );
    assert.equal(
      explainError(err, context),
      "cannot create topic 'x': Invalid value abc for configuration retention.ms: Not a number of type LONG (INVALID_CONFIG)",
    );
    assert.deepEqual(kafkaError(err), {
      name: 'INVALID_CONFIG',
      message: 'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    });
  });

  it('explains an unknown topic with the command that creates it', () => {
    const expected = "topic 'x' does not exist: create it with 'nagare topics create x'";
    assert.equal(
      explainError(brokerRefusal(3, 'This server does not host this topic-partition.'), context),
      expected,
    );
    assert.equal(explainError(new UserError('Unknown topic x.'), context), expected);
  });

  it('names an API the broker does not support', () => {
    const err = new MultipleErrors('Incrementally altering configs failed.', [
      new UnsupportedApiError('Unsupported API IncrementalAlterConfigs.'),
    ]);
    assert.match(
      explainError(err, context),
      /^cannot create topic 'x': the broker at 127\.0\.0\.1:1 does not support it/,
    );
  });

  it('keeps CliError messages and prefixes broker configuration errors', () => {
    assert.equal(explainError(new CliError('as is'), context), 'as is');
    assert.equal(
      explainError(new ConfigError('Invalid value x for configuration num.partitions'), { action: 'start' }),
      'cannot start the broker: Invalid value x for configuration num.partitions',
    );
  });

  it('falls back to the innermost message for anything else', () => {
    const err = new Error('outer', { cause: new Error('disk on fire') });
    assert.equal(explainError(err, context), "cannot create topic 'x': disk on fire");
  });

  it('finds a protocol error nested anywhere', () => {
    const nested = new MultipleErrors('a', [
      new MultipleErrors('b', [new ProtocolError('TOPIC_ALREADY_EXISTS', "Topic 'x' already exists.")]),
    ]);
    assert.equal(kafkaError(nested)?.name, 'TOPIC_ALREADY_EXISTS');
    assert.equal(kafkaError(new Error('plain')), undefined);
  });
});
