import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ConfigDefinition, ConfigType } from '../../../src/broker/config/definitions.ts';
import { topicConfigDefinition } from '../../../src/broker/config/topic-definitions.ts';
import {
  formatConfigValue,
  javaDoubleToString,
  longToNumber,
  parseConfigValue,
} from '../../../src/broker/config/values.ts';

function def(name: string): ConfigDefinition {
  const found = topicConfigDefinition(name);
  assert.ok(found, name);
  return found;
}

function plain(type: ConfigType): ConfigDefinition {
  return { name: 'x', type, default: null, importance: 'low', doc: '' };
}

// Expected messages were produced by Kafka 4.3.1's ConfigDef (LogConfig's definitions) on the same inputs.
describe('parseConfigValue gives Kafka messages', () => {
  const cases: [string, string, string][] = [
    ['retention.ms', 'abc', 'Invalid value abc for configuration retention.ms: Not a number of type LONG'],
    ['retention.ms', '-5', 'Invalid value -5 for configuration retention.ms: Value must be at least -1'],
    ['retention.ms', '1e3', 'Invalid value 1e3 for configuration retention.ms: Not a number of type LONG'],
    ['retention.ms', '0x10', 'Invalid value 0x10 for configuration retention.ms: Not a number of type LONG'],
    [
      'segment.bytes',
      '10',
      'Invalid value 10 for configuration segment.bytes: Value must be at least 1048576',
    ],
    [
      'segment.bytes',
      '1048575',
      'Invalid value 1048575 for configuration segment.bytes: Value must be at least 1048576',
    ],
    [
      'internal.segment.bytes',
      '2147483648',
      'Invalid value 2147483648 for configuration internal.segment.bytes: Not a number of type INT',
    ],
    [
      'internal.segment.bytes',
      '',
      'Invalid value  for configuration internal.segment.bytes: Not a number of type INT',
    ],
    [
      'segment.bytes',
      '99999999999',
      'Invalid value 99999999999 for configuration segment.bytes: Not a number of type INT',
    ],
    [
      'max.message.bytes',
      '2147483648',
      'Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT',
    ],
    [
      'flush.messages',
      '9223372036854775808',
      'Invalid value 9223372036854775808 for configuration flush.messages: Not a number of type LONG',
    ],
    [
      'cleanup.policy',
      'foo',
      'Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete',
    ],
    ['cleanup.policy', 'compact,,delete', "Configuration 'cleanup.policy' values must not be empty."],
    ['cleanup.policy', ',', "Configuration 'cleanup.policy' values must not be empty."],
    ['cleanup.policy', 'delete,', "Configuration 'cleanup.policy' values must not be empty."],
    [
      'cleanup.policy',
      'Compact',
      'Invalid value Compact for configuration cleanup.policy: String must be one of: compact, delete',
    ],
    [
      'compression.type',
      'brotli',
      'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
    ],
    [
      'compression.type',
      'GZIP',
      'Invalid value GZIP for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
    ],
    [
      'message.timestamp.type',
      'createtime',
      'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
    ],
    [
      'preallocate',
      'yes',
      'Invalid value yes for configuration preallocate: Expected value to be either true or false',
    ],
    [
      'min.cleanable.dirty.ratio',
      '1.5',
      'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    ],
    [
      'min.cleanable.dirty.ratio',
      '2',
      'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    ],
    [
      'min.cleanable.dirty.ratio',
      '-1',
      'Invalid value -1.0 for configuration min.cleanable.dirty.ratio: Value must be at least 0',
    ],
    [
      'min.cleanable.dirty.ratio',
      'abc',
      'Invalid value abc for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE',
    ],
    [
      'min.insync.replicas',
      '0',
      'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
    ],
    [
      'compression.gzip.level',
      '0',
      'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1',
    ],
    ['segment.ms', '0', 'Invalid value 0 for configuration segment.ms: Value must be at least 1'],
    [
      'local.retention.ms',
      '-3',
      'Invalid value -3 for configuration local.retention.ms: Value must be at least -2',
    ],
    [
      'leader.replication.throttled.replicas',
      '1:2,x',
      "Invalid value [1:2, x] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
    ],
  ];
  for (const [name, raw, message] of cases) {
    test(`${name}=${raw}`, () => {
      assert.throws(() => parseConfigValue(def(name), raw), { name: 'ConfigError', message });
    });
  }
});

describe('parseConfigValue accepts what Kafka accepts', () => {
  test('numbers: surrounding blanks, a + sign, exact longs', () => {
    assert.equal(parseConfigValue(def('retention.ms'), ' 100 '), 100n);
    assert.equal(parseConfigValue(def('retention.ms'), '+100'), 100n);
    assert.equal(parseConfigValue(def('flush.messages'), '9223372036854775807'), 2n ** 63n - 1n);
    assert.equal(parseConfigValue(def('retention.bytes'), '-100'), -100n);
    assert.equal(parseConfigValue(def('segment.bytes'), '2147483647'), 2147483647);
    assert.equal(parseConfigValue(def('segment.bytes'), '1048576'), 1048576);
    assert.equal(parseConfigValue(plain('short'), '-32768'), -32768);
    assert.throws(() => parseConfigValue(plain('short'), '32768'), /Not a number of type SHORT/);
  });

  test('doubles in Java syntax', () => {
    assert.equal(parseConfigValue(def('min.cleanable.dirty.ratio'), '1e-1'), 0.1);
    assert.equal(parseConfigValue(def('min.cleanable.dirty.ratio'), '0.5d'), 0.5);
    assert.equal(parseConfigValue(def('min.cleanable.dirty.ratio'), '.25'), 0.25);
    assert.ok(Number.isNaN(parseConfigValue(def('min.cleanable.dirty.ratio'), 'NaN')));
    assert.equal(parseConfigValue(plain('double'), '-Infinity'), Number.NEGATIVE_INFINITY);
  });

  test('booleans in any case, trimmed', () => {
    assert.equal(parseConfigValue(def('preallocate'), ' TRUE '), true);
    assert.equal(parseConfigValue(def('preallocate'), 'False'), false);
  });

  test('internal.segment.bytes: any int, without the 1 MiB minimum of segment.bytes', () => {
    for (const size of [1000, 14, 0, -5, 2147483647]) {
      assert.equal(parseConfigValue(def('internal.segment.bytes'), String(size)), size);
    }
  });

  test('lists: split on commas with the blanks around them; empty text is an empty list', () => {
    assert.deepEqual(parseConfigValue(def('cleanup.policy'), ' compact , delete '), ['compact', 'delete']);
    assert.deepEqual(parseConfigValue(def('cleanup.policy'), ''), []);
    assert.deepEqual(parseConfigValue(plain('list'), 'a,,b,'), ['a', '', 'b', '']);
    // Kafka drops repeats before its list validator runs, keeping the first of each.
    assert.deepEqual(parseConfigValue(def('cleanup.policy'), 'delete,compact,delete'), ['delete', 'compact']);
    assert.deepEqual(parseConfigValue(def('leader.replication.throttled.replicas'), '0:1,0:1'), [
      '0:1',
      '0:1',
    ]);
    assert.deepEqual(parseConfigValue(def('leader.replication.throttled.replicas'), '*'), ['*']);
    assert.deepEqual(parseConfigValue(def('leader.replication.throttled.replicas'), '0:1, 1:1'), [
      '0:1',
      '1:1',
    ]);
  });

  test('strings are trimmed of Java-trim characters', () => {
    assert.equal(parseConfigValue(def('compression.type'), '\tzstd \u0001'), 'zstd');
  });
});

describe('formatConfigValue prints like Kafka', () => {
  test('lists comma-joined, longs exact, booleans, null', () => {
    assert.equal(formatConfigValue('list', ['compact', 'delete']), 'compact,delete');
    assert.equal(formatConfigValue('list', []), '');
    assert.equal(formatConfigValue('long', 2n ** 63n - 1n), '9223372036854775807');
    assert.equal(formatConfigValue('boolean', false), 'false');
    assert.equal(formatConfigValue('long', null), null);
  });

  test('doubles as Java Double.toString', () => {
    assert.equal(javaDoubleToString(0.5), '0.5');
    assert.equal(javaDoubleToString(1), '1.0');
    assert.equal(javaDoubleToString(0.001), '0.001');
    assert.equal(javaDoubleToString(0.0001), '1.0E-4');
    assert.equal(javaDoubleToString(1e7), '1.0E7');
    assert.equal(javaDoubleToString(1234567.5), '1234567.5');
    assert.equal(javaDoubleToString(Number.MAX_VALUE), '1.7976931348623157E308');
    assert.equal(javaDoubleToString(-0), '-0.0');
    assert.equal(javaDoubleToString(Number.NaN), 'NaN');
    assert.equal(javaDoubleToString(Number.POSITIVE_INFINITY), 'Infinity');
    assert.equal(formatConfigValue('double', 0.25), '0.25');
  });

  test('every double prints as text that parses back to it', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const back = parseConfigValue(plain('double'), javaDoubleToString(x)) as number;
        assert.ok(Object.is(back, x) || (Number.isNaN(back) && Number.isNaN(x)));
      }),
    );
  });
});

test('longToNumber: Long.MAX_VALUE (never) becomes Infinity, ordinary values stay exact', () => {
  assert.equal(longToNumber(2n ** 63n - 1n), Number.POSITIVE_INFINITY);
  assert.equal(longToNumber(604800000n), 604800000);
  assert.equal(longToNumber(-1n), -1);
  assert.equal(longToNumber(BigInt(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
});
