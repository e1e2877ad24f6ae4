// End-to-end harness for the HTTP bridge: a broker, the bridge started on it on port 0, and plain-fetch
// clients for its API and management ports whose every response is checked against the bridge's OpenAPI
// document (test/support/bridge-openapi.ts) before a test sees it. describeBridge declares a suite once
// per broker (Nagare and Apache Kafka), so one file proves the bridge behaves the same on both.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pino from 'pino';
import { bridgeConfigFromProperties } from '../../src/bridge/config.ts';
import { createBridge } from '../../src/bridge/server.ts';
import {
  baseMediaType,
  bridgeOpenApiMissing,
  createResponseValidator,
  loadBridgeOpenApi,
  type OperationRef,
  type ResponseValidator,
  tightenedBridgeOpenApi,
} from './bridge-openapi.ts';
import { type CompatFixture, compatSkip } from './compat-target.ts';
import { requireInCI } from './external-tools.ts';
import { apacheKafka, nagare, type RunningBroker, subjectTarget, type Target } from './targets.ts';

/** The bridge's embedded formats and the content types naming them. */
export const CONTENT_TYPES = {
  json: 'application/vnd.kafka.json.v2+json',
  binary: 'application/vnd.kafka.binary.v2+json',
  text: 'application/vnd.kafka.text.v2+json',
  /** The bridge's own JSON (offsets, metadata, errors). */
  v2: 'application/vnd.kafka.v2+json',
} as const;

export interface BridgeRequest {
  /** Serialised with JSON.stringify unless it is a string, which is sent as is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** More request headers, e.g. a proxy's Forwarded. */
  headers?: Record<string, string>;
  /**
   * A status the test expects although the OpenAPI document does not list it for the operation (e.g.
   * 204 for async=true, 415, 406): the response must have exactly this status, the document must indeed
   * not list it (so the exemption goes stale loudly once it does), and any body must be an Error.
   */
  undocumented?: number;
}

export interface BridgeResponse {
  status: number;
  contentType: string | undefined;
  headers: Headers;
  /** Parsed JSON for JSON content types, the text otherwise ('' when empty). */
  body: unknown;
}

export interface BridgeClient {
  readonly baseUrl: string;
  request(method: string, path: string, options?: BridgeRequest): Promise<BridgeResponse>;
}

let sharedValidator: ResponseValidator | undefined;

/** The validator for the bridge document as tightened (see tightenedBridgeOpenApi), built once. */
export function bridgeValidator(): ResponseValidator {
  sharedValidator ??= createResponseValidator(tightenedBridgeOpenApi(loadBridgeOpenApi()));
  return sharedValidator;
}

/** A fetch client on `baseUrl` that validates every response against the OpenAPI document. */
export function bridgeClient(
  baseUrl: string,
  validator: ResponseValidator = bridgeValidator(),
): BridgeClient {
  return {
    baseUrl,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
      if (options.accept !== undefined) headers.accept = options.accept;
      const body =
        options.body === undefined || typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
      const response = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: body as string | undefined,
      });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? undefined;
      const label = `${method} ${path}`;
      const parsed = parseBody(label, response.status, contentType, text);
      checkResponse(validator, { method, path }, response.status, contentType, parsed, options.undocumented);
      return { status: response.status, contentType, headers: response.headers, body: parsed };
    },
  };
}

function parseBody(label: string, status: number, contentType: string | undefined, text: string): unknown {
  if (text === '' || contentType === undefined) return text;
  const mediaType = baseMediaType(contentType);
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${label} → ${status}: ${contentType} body is not JSON: ${(error as Error).message}\n  ${text}`,
    );
  }
}

function checkResponse(
  validator: ResponseValidator,
  operation: OperationRef,
  status: number,
  contentType: string | undefined,
  body: unknown,
  undocumented: number | undefined,
): void {
  if (undocumented === undefined) {
    validator.validateResponse(operation, status, contentType, body);
    return;
  }
  const label = typeof operation === 'string' ? operation : `${operation.method} ${operation.path}`;
  assert.equal(
    status,
    undocumented,
    `${label}: expected status ${undocumented}, got ${status}: ${JSON.stringify(body)}`,
  );
  assert.equal(
    validator.documents(operation, status),
    false,
    `${label}: the OpenAPI document now lists ${status}; drop the undocumented exemption`,
  );
  if (body !== '') validator.validateSchema('Error', body, `${label} → ${status}`);
}

/** Asserts a spec-shaped error: this status, the bridge's JSON content type, `error_code` equal to it. */
export function assertError(response: BridgeResponse, status: number): void {
  const body = response.body as { error_code?: unknown; message?: unknown };
  assert.equal(
    response.status,
    status,
    `expected ${status}, got ${response.status}: ${JSON.stringify(body)}`,
  );
  assert.equal(response.contentType && baseMediaType(response.contentType), CONTENT_TYPES.v2);
  assert.equal(body.error_code, status);
  assert.equal(typeof body.message, 'string');
  assert.notEqual(body.message, '');
}

/**
 * Asserts the Strimzi bridge's answer to a request its OpenAPI validation rejects: 400 (which the
 * document does not list, hence `undocumented: 400` on the request), an Error whose message starts
 * with `message`, and with `validation_errors` when the body failed its schema.
 */
export function assertBadRequest(response: BridgeResponse, message: string): void {
  assertError(response, 400);
  const body = response.body as { message: string; validation_errors?: unknown };
  assert.ok(
    body.message.startsWith(message),
    `message ${JSON.stringify(body.message)} should start with ${JSON.stringify(message)}`,
  );
  if (message === SCHEMA_VALIDATION_ERROR) {
    assert.ok(
      Array.isArray(body.validation_errors) && body.validation_errors.length > 0,
      'validation_errors listed',
    );
  }
}

/**
 * Asserts the answer to a request body in a Content-Type the operation does not take: 415 (which the
 * document does not list, hence `undocumented: 415` on the request; Strimzi answers 400 here), an Error
 * whose message starts with Strimzi's wording and names the expected types.
 */
export function assertUnsupportedMediaType(response: BridgeResponse): void {
  assertError(response, 415);
  const { message } = response.body as { message: string };
  assert.ok(message.startsWith(UNSUPPORTED_FORMAT_ERROR), `message ${JSON.stringify(message)}`);
  assert.match(message, /\(expected application\/vnd\.kafka\./);
}

/** The message of a 400 for a body or parameter that does not match its schema. */
export const SCHEMA_VALIDATION_ERROR = 'Validation error on: Schema validation error';
/** The start of the message of a 400 for a request body in a content type the operation does not take. */
export const UNSUPPORTED_FORMAT_ERROR =
  'Validation error on: The format of the request body is not supported';

export interface RunningBridge {
  /** The REST API (producer, topics, consumers, admin, info). */
  readonly api: BridgeClient;
  /** The management endpoints (/healthy, /ready, /metrics). */
  readonly management: BridgeClient;
  stop(): Promise<void>;
}

/** Starts the bridge on `bootstrap`, both ports 0 on loopback, quiet logs; `properties` override. */
export async function startBridge(
  bootstrap: string,
  properties: Record<string, string> = {},
): Promise<RunningBridge> {
  const config = bridgeConfigFromProperties({
    'kafka.bootstrap.servers': bootstrap,
    'http.host': '127.0.0.1',
    'http.port': '0',
    'http.management.port': '0',
    ...properties,
  });
  const bridge = createBridge(config, pino({ level: process.env.NAGARE_TEST_LOG ?? 'silent' }));
  const { port, managementPort } = await bridge.start();
  return {
    api: bridgeClient(`http://127.0.0.1:${port}`),
    management: bridgeClient(`http://127.0.0.1:${managementPort}`),
    stop: () => bridge.stop(),
  };
}

/** node:test's `skip` for a bridge test: the OpenAPI document, the compat broker or a `missing` tool. */
export function bridgeSkip(...missing: Array<string | undefined>): string | undefined {
  return compatSkip(bridgeOpenApiMissing(), ...missing);
}

/** What a bridge suite's tests share; read it inside tests, once the suite's `before` has run. */
export interface BridgeFixture extends CompatFixture {
  readonly bridge: RunningBridge;
}

/**
 * The brokers the bridge's end-to-end suites run against: Nagare and Apache Kafka, the reference whose
 * answers the same assertions must match; only the one NAGARE_TEST_SUBJECT names when it is set.
 */
export function bridgeTargets(): Target[] {
  return process.env.NAGARE_TEST_SUBJECT ? [subjectTarget()] : [nagare, apacheKafka];
}

export interface BridgeSuiteOptions {
  /** Skip reasons of the tools the suite needs besides the broker (e.g. kcatMissing()). */
  missing?: Array<string | undefined>;
  /** Also make a temp folder whose name starts with this (for kcat's files), removed afterwards. */
  workDirPrefix?: string;
  /** Bridge properties over startBridge's defaults. */
  properties?: Record<string, string>;
}

/**
 * Declares the suite `title [broker]` once per bridgeTargets() broker, each with its own broker and
 * bridge (started in the suite's before hook, so only one broker runs at a time); `tests` declares the
 * tests and receives that suite's fixture. A broker or tool missing here skips its suite, and fails it
 * under CI=true (requireInCI).
 */
export function describeBridge(
  title: string,
  options: BridgeSuiteOptions,
  tests: (fixture: BridgeFixture) => void,
): void {
  for (const target of bridgeTargets()) {
    const reasons = [bridgeOpenApiMissing(), target.missing(), ...(options.missing ?? [])];
    const skip = requireInCI(reasons.find((reason) => reason !== undefined));
    describe(`${title} [${target.name}]`, { skip }, () => {
      tests(useBridgeOn(target, options));
    });
  }
}

/**
 * Broker settings of every bridge suite: groups form at once instead of after the 3 s classic groups
 * wait for more members, as test/support/apache-kafka.ts already configures Apache Kafka for tests.
 */
const BROKER_OVERRIDES = { 'group.initial.rebalance.delay.ms': '0' };

/** The suite's hooks (node:test runs none of a skipped suite's) and the fixture they fill. */
function useBridgeOn(target: Target, options: BridgeSuiteOptions): BridgeFixture {
  let broker: RunningBroker | undefined;
  let bridge: RunningBridge | undefined;
  let workDir: string | undefined;
  before(async () => {
    broker = await target.start({ overrides: BROKER_OVERRIDES });
    if (options.workDirPrefix) workDir = await mkdtemp(join(tmpdir(), options.workDirPrefix));
    bridge = await startBridge(broker.bootstrap, options.properties);
  });
  after(async () => {
    await bridge?.stop();
    await broker?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });
  return {
    get broker() {
      if (!broker) throw new Error(`no ${target.name} broker: it starts in the suite's before hook`);
      return broker;
    },
    get workDir() {
      if (!workDir) throw new Error('no work folder: pass workDirPrefix, and read it inside tests');
      return workDir;
    },
    get bridge() {
      if (!bridge) throw new Error("no bridge: it starts in the suite's before hook");
      return bridge;
    },
  };
}

/** Resolves once `check` resolves truthy, polling; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
