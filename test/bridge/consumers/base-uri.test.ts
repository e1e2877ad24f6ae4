import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerBaseUri } from '../../../src/bridge/consumers/base-uri.ts';
import { BridgeHttpError } from '../../../src/bridge/errors.ts';

const path = '/consumers/g';

test('the base URI is the request Host and path plus instances/{name}', () => {
  assert.equal(
    consumerBaseUri({ host: '127.0.0.1:8080' }, path, 'c1'),
    'http://127.0.0.1:8080/consumers/g/instances/c1',
  );
  assert.equal(
    consumerBaseUri({ host: 'bridge:8443' }, path, 'c1', 'https'),
    'https://bridge:8443/consumers/g/instances/c1',
  );
});

test('a host without a port gets the default port of the scheme, as in Strimzi', () => {
  assert.equal(consumerBaseUri({ host: 'bridge' }, path, 'c1'), 'http://bridge:80/consumers/g/instances/c1');
  assert.equal(
    consumerBaseUri({ forwarded: 'host=gw;proto=https' }, path, 'c1'),
    'https://gw:443/consumers/g/instances/c1',
  );
});

test('Forwarded (the first of several) wins over X-Forwarded-*, and X-Forwarded-Path replaces the path', () => {
  assert.equal(
    consumerBaseUri(
      {
        host: 'internal:8080',
        forwarded: 'host=gw:443;proto=https, host=other:886;proto=http',
        'x-forwarded-host': 'ignored:1',
        'x-forwarded-proto': 'http',
        'x-forwarded-path': '/my-bridge/consumers/g',
      },
      path,
      'c1',
    ),
    'https://gw:443/my-bridge/consumers/g/instances/c1',
  );
  assert.equal(
    consumerBaseUri(
      { host: 'internal:8080', 'x-forwarded-host': 'gw:443', 'x-forwarded-proto': 'https' },
      path,
      'c1',
    ),
    'https://gw:443/consumers/g/instances/c1',
  );
  // Half a Forwarded header is ignored.
  assert.equal(
    consumerBaseUri({ host: 'internal:8080', forwarded: 'host=gw:443' }, path, 'c1'),
    'http://internal:8080/consumers/g/instances/c1',
  );
});

test('a scheme other than http or https is a 500 naming it, as in Strimzi', () => {
  assert.throws(
    () => consumerBaseUri({ forwarded: 'host=gw;proto=mqtt' }, path, 'c1'),
    (err: unknown) =>
      err instanceof BridgeHttpError &&
      err.status === 500 &&
      err.message === 'mqtt is not a valid schema/proto.',
  );
});
