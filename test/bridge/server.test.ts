// The bridge's HTTP layer without a broker: everything here is answered before any Kafka call, so the
// bootstrap address points at a closed port.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { bridgeConfigFromProperties } from '../../src/bridge/config.ts';
import { type Bridge, createBridge } from '../../src/bridge/server.ts';

describe('bridge HTTP server', () => {
  let bridge: Bridge;
  let api: string;
  let management: string;

  before(async () => {
    const config = bridgeConfigFromProperties({
      'kafka.bootstrap.servers': '127.0.0.1:1',
      'http.host': '127.0.0.1',
      'http.port': '0',
      'http.management.port': '0',
      'http.cors.enabled': 'true',
      'http.cors.allowedOrigins': 'https://app\\.example\\.com',
      'http.cors.allowedMethods': 'GET,POST',
    });
    bridge = createBridge(config, pino({ level: 'silent' }));
    const { port, managementPort } = await bridge.start();
    api = `http://127.0.0.1:${port}`;
    management = `http://127.0.0.1:${managementPort}`;
  });
  after(() => bridge.stop());

  const post = (path: string, contentType: string, body: string) =>
    fetch(api + path, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('says its version on GET /', async () => {
    const res = await fetch(`${api}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(typeof ((await res.json()) as { bridge_version: unknown }).bridge_version, 'string');
  });

  it('serves an OpenAPI document describing its own operations on /openapi and /openapi/v3', async () => {
    for (const path of ['/openapi', '/openapi/v3']) {
      const res = await fetch(api + path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      const doc = (await res.json()) as {
        openapi: string;
        // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
        paths: Record<string, any>;
        components: { schemas: Record<string, unknown> };
      };
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(doc.paths['/topics/{topicname}'].post.operationId, 'send');
      assert.deepEqual(Object.keys(doc.paths['/topics/{topicname}'].post.requestBody.content).sort(), [
        'application/vnd.kafka.binary.v2+json',
        'application/vnd.kafka.json.v2+json',
        'application/vnd.kafka.text.v2+json',
      ]);
      assert.ok(doc.components.schemas.ProducerRecordList);
      assert.equal(doc.paths['/healthy'].get.operationId, 'healthy');
    }
  });

  it("names the path a gateway serves it under (X-Forwarded-Path/-Prefix) as the document's server", async () => {
    const servers = async (headers: Record<string, string>) =>
      ((await (await fetch(`${api}/openapi`, { headers })).json()) as { servers?: unknown }).servers;
    assert.equal(await servers({}), undefined);
    assert.deepEqual(await servers({ 'x-forwarded-prefix': '/kafka' }), [{ url: '/kafka' }]);
    assert.deepEqual(await servers({ 'x-forwarded-prefix': '/kafka', 'x-forwarded-path': '/bridge/v1' }), [
      { url: '/bridge/v1' },
    ]);
  });

  it('answers unknown routes with a 404 error body', async () => {
    const res = await fetch(`${api}/no/such/route`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/vnd.kafka.v2+json');
    assert.deepEqual(await res.json(), { error_code: 404, message: 'Not Found' });
  });

  it('refuses a produce body that is not an embedded format with 415 Unsupported Media Type', async () => {
    const res = await post('/topics/t', 'application/json', '{"records":[{"value":"v"}]}');
    assert.equal(res.status, 415);
    const body = (await res.json()) as { error_code: number; message: string };
    assert.equal(body.error_code, 415);
    assert.match(body.message, /The format of the request body is not supported/);
  });

  it('refuses invalid requests with 400 (schema) or 422 (conversion) before talking to Kafka', async () => {
    const invalid = await post(
      '/topics/t',
      'application/vnd.kafka.json.v2+json',
      '{"records":[{"key":"k"}]}',
    );
    assert.equal(invalid.status, 400);
    const body = (await invalid.json()) as {
      error_code: number;
      message: string;
      validation_errors: string[];
    };
    assert.equal(body.error_code, 400);
    assert.equal(body.message, 'Validation error on: Schema validation error');
    assert.ok(Array.isArray(body.validation_errors));
    const noRecords = await post('/topics/t', 'application/vnd.kafka.json.v2+json', '{}');
    assert.equal(noRecords.status, 422);
    const text = await post(
      '/topics/t',
      'application/vnd.kafka.text.v2+json',
      '{"records":[{"value":{"a":1}}]}',
    );
    assert.equal(text.status, 422);
    assert.deepEqual(await text.json(), {
      error_code: 422,
      message: "Because the embedded format is 'text', the value must be a string",
    });
    const partition = await post(
      '/topics/t/partitions/x',
      'application/vnd.kafka.json.v2+json',
      '{"records":[]}',
    );
    assert.equal(partition.status, 400);
    const partitionError = (await partition.json()) as { message: string };
    assert.equal(partitionError.message, 'Validation error on: Schema validation error');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api}/topics/t`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight('https://app.example.com');
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);
    const other = await preflight('https://evil.example.org');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('serves /healthy, /ready and /metrics on the management port only', async () => {
    assert.equal((await fetch(`${management}/healthy`)).status, 200);
    assert.equal((await fetch(`${management}/ready`)).status, 200);
    const metrics = await fetch(`${management}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    // Strimzi's names and labels, so its Grafana dashboard and alert rules for the bridge apply.
    const text = await metrics.text();
    assert.match(
      text,
      /^strimzi_bridge_http_server_requests_total\{path="\/topics\/t",method="POST",code="415"\} [1-9]\d*$/m,
    );
    assert.match(
      text,
      /^strimzi_bridge_http_server_response_time_seconds_count\{path="\/topics\/t",method="POST",code="415"\} [1-9]\d*$/m,
    );
    assert.match(text, /^strimzi_bridge_http_server_active_connections [1-9]\d*$/m);
    assert.match(text, /^strimzi_bridge_http_server_active_requests\{path="\/topics\/t",method="POST"\} 0$/m);
    assert.doesNotMatch(text, /path="\/metrics"/, 'scrapes are not counted');
    assert.equal((await fetch(`${api}/healthy`)).status, 404);
  });
});
