// TLS on the bridge's API port (http.ssl.*): a client trusting the bridge's certificate reaches the API
// over https with the enabled protocols only, the management port stays plain http, and incomplete or
// wrong settings stop the bridge before it starts, naming the property. No broker is needed: GET / and
// the management endpoints answer without one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SecureVersion, TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import pino from 'pino';
import { BridgeConfigError, bridgeConfigFromProperties } from '../../src/bridge/config.ts';
import { type Bridge, createBridge } from '../../src/bridge/server.ts';
import { openSslCipherName, protocolRange } from '../../src/bridge/tls.ts';
import { opensslMissing, requireInCI } from '../support/external-tools.ts';

const run = promisify(execFile);

interface HttpsAnswer {
  status: number;
  body: string;
  protocol: string | null;
}

/** GET over https trusting `ca` only, with the client limited to `versions` when given. */
function httpsGet(
  url: string,
  ca: string,
  versions?: { minVersion: SecureVersion; maxVersion: SecureVersion },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    // No keep-alive agent: a pooled connection would hold the bridge's server open after the test.
    const req = request(url, { ca, agent: false, ...versions }, (res) => {
      const protocol = (res.socket as TLSSocket).getProtocol();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), protocol }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const base = {
  'kafka.bootstrap.servers': '127.0.0.1:1',
  'http.host': '127.0.0.1',
  'http.port': '0',
  'http.management.port': '0',
};

describe('bridge TLS on the API port', { skip: requireInCI(opensslMissing()) }, () => {
  let dir: string;
  let certificate: string;
  const files = () => ({
    'http.ssl.certificate.location': join(dir, 'cert.pem'),
    'http.ssl.key.location': join(dir, 'key.pem'),
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nagare-bridge-tls-'));
    // A self-signed certificate for 127.0.0.1, which the test client trusts as its only CA.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    certificate = await readFile(join(dir, 'cert.pem'), 'utf8');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function started(
    properties: Record<string, string>,
  ): Promise<{ bridge: Bridge; port: number; managementPort: number }> {
    const bridge = createBridge(
      bridgeConfigFromProperties({ ...base, ...properties }),
      pino({ level: 'silent' }),
    );
    return { bridge, ...(await bridge.start()) };
  }

  it('serves the API over https from PEM files; the management port stays http', async () => {
    const { bridge, port, managementPort } = await started({ 'http.ssl.enable': 'true', ...files() });
    try {
      const answer = await httpsGet(`https://127.0.0.1:${port}/`, certificate);
      assert.equal(answer.status, 200);
      assert.equal(typeof (JSON.parse(answer.body) as { bridge_version: unknown }).bridge_version, 'string');
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'plain http is not served on the API port');
      assert.equal((await fetch(`http://127.0.0.1:${managementPort}/healthy`)).status, 200);
    } finally {
      await bridge.stop();
    }
  });

  it('takes the certificate and key inline, and offers only the enabled protocols', async () => {
    const { bridge, port } = await started({
      'http.ssl.enable': 'true',
      'http.ssl.certificate': certificate,
      'http.ssl.key': await readFile(join(dir, 'key.pem'), 'utf8'),
      'http.ssl.enabled.protocols': 'TLSv1.2',
      'http.ssl.enabled.cipher.suites': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    });
    try {
      const answer = await httpsGet(`https://127.0.0.1:${port}/`, certificate);
      assert.equal(answer.status, 200);
      assert.equal(answer.protocol, 'TLSv1.2');
      await assert.rejects(
        httpsGet(`https://127.0.0.1:${port}/`, certificate, { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }),
        'a TLS 1.3-only client is refused when only TLSv1.2 is enabled',
      );
    } finally {
      await bridge.stop();
    }
  });

  it('a certificate file that cannot be read stops the start, naming the property', async () => {
    const missing = join(dir, 'absent.pem');
    const bridge = createBridge(
      bridgeConfigFromProperties({
        ...base,
        'http.ssl.enable': 'true',
        ...files(),
        'http.ssl.certificate.location': missing,
      }),
      pino({ level: 'silent' }),
    );
    await assert.rejects(bridge.start(), (err: Error) => {
      assert.match(err.message, /^http\.ssl\.certificate\.location: cannot read '.*absent\.pem'/);
      return true;
    });
  });
});

describe('bridge TLS settings', () => {
  const tls = (props: Record<string, string>) =>
    bridgeConfigFromProperties({
      'http.ssl.enable': 'true',
      'http.ssl.certificate': 'C',
      'http.ssl.key': 'K',
      ...props,
    });

  it("listens on Strimzi's 8443 with TLS unless http.port says otherwise", () => {
    assert.equal(tls({}).http.port, 8443);
    assert.equal(tls({ 'http.port': '9443' }).http.port, 9443);
    assert.equal(bridgeConfigFromProperties({}).http.port, 8080);
    assert.equal(bridgeConfigFromProperties({}).http.tls, undefined);
  });

  it('refuses TLS without both a certificate and a key, saying which properties to set', () => {
    assert.throws(
      () =>
        bridgeConfigFromProperties({ 'http.ssl.enable': 'true', 'http.ssl.certificate.location': '/c.pem' }),
      (err: Error) =>
        err instanceof BridgeConfigError &&
        /set http\.ssl\.certificate\.location and http\.ssl\.key\.location/.test(err.message),
    );
  });

  it('refuses protocols Node cannot enable together, and unknown ones', () => {
    assert.throws(
      () => tls({ 'http.ssl.enabled.protocols': 'TLSv1,TLSv1.3' }),
      /^BridgeConfigError: http\.ssl\.enabled\.protocols: 'TLSv1,TLSv1\.3' is not valid: the protocols must be consecutive versions/,
    );
    assert.throws(() => tls({ 'http.ssl.enabled.protocols': 'SSLv3' }), /unknown protocol 'SSLv3'/);
    assert.deepEqual(protocolRange(['TLSv1.3', 'TLSv1.2']), { min: 'TLSv1.2', max: 'TLSv1.3' });
  });

  it('translates IANA cipher suite names to OpenSSL names and refuses unknown suites', () => {
    assert.equal(openSslCipherName('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'), 'ECDHE-RSA-AES256-GCM-SHA384');
    assert.equal(
      openSslCipherName('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'),
      'ECDHE-ECDSA-CHACHA20-POLY1305',
    );
    assert.equal(openSslCipherName('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'), 'ECDHE-RSA-AES128-SHA');
    assert.equal(openSslCipherName('TLS_AES_128_GCM_SHA256'), 'TLS_AES_128_GCM_SHA256');
    assert.equal(openSslCipherName('ECDHE-RSA-AES128-GCM-SHA256'), 'ECDHE-RSA-AES128-GCM-SHA256');
    assert.deepEqual(
      tls({
        'http.ssl.enabled.cipher.suites': 'TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      }).http.tls?.cipherSuites,
      ['TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
    );
    assert.throws(
      () => tls({ 'http.ssl.enabled.cipher.suites': 'TLS_RSA_WITH_NULL_MD5' }),
      /http\.ssl\.enabled\.cipher\.suites: 'TLS_RSA_WITH_NULL_MD5' is not valid: 'TLS_RSA_WITH_NULL_MD5' is not a cipher suite/,
    );
  });
});
