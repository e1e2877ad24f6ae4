// Checks HTTP bridge responses against the bridge's OpenAPI 3.1 document (../shared/conformance/bridge/
// openapi.json): the status code must be documented for the operation, the content type must be one the
// document lists for that status, and the body must match that content's schema. OpenAPI 3.1 schemas are
// JSON Schema 2020-12, so ajv's 2020 build compiles them, with the document itself registered so that its
// "#/components/..." references resolve.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS whose default export is the plugin function; under nodenext its type is the
// module namespace, so the callable is reached through `default` when present.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

const specUrl = new URL('../../../shared/conformance/bridge/openapi.json', import.meta.url);

/** Why the bridge's OpenAPI document cannot be read here (a skip reason), or undefined. */
export function bridgeOpenApiMissing(): string | undefined {
  return existsSync(specUrl)
    ? undefined
    : `${fileURLToPath(specUrl)} not found: the bridge tests need ../shared/conformance/bridge/openapi.json`;
}

/** The bridge's OpenAPI document as published in ../shared. */
export function loadBridgeOpenApi(): OpenApiDocument {
  return JSON.parse(readFileSync(specUrl, 'utf8')) as OpenApiDocument;
}

/**
 * The document with four corrections, without which no real bridge response could pass:
 * - Error and OffsetRecordSent get the properties the Strimzi bridge always sends marked required. As
 *   published, neither requires anything nor forbids extra properties, so every object matches both
 *   and OffsetRecordSentList's `oneOf: [OffsetRecordSent, Error]` rejects every send response ("must
 *   match exactly one schema"). Required, the two are exclusive, and error bodies are checked to be
 *   `{error_code, message}`.
 * - GET /openapi and /openapi/v3 are documented as an application/json *string*, while the document
 *   they serve is a JSON object: their schema becomes an object with `openapi` and `paths`.
 * - DELETE .../subscription documents its 404 as application/json, while the Strimzi bridge answers
 *   every unknown instance, this one included, in application/vnd.kafka.v2+json (HttpBridge's
 *   processConsumer): that type is listed next to the published one.
 * - SubscribedTopicList's `topics` refers to the Topics request schema (an object with `topics` and
 *   `topic_pattern`), while its own example and the Strimzi bridge (HttpSinkBridgeEndpoint's
 *   doListSubscriptions) give an array of topic names: it becomes that array.
 */
export function tightenedBridgeOpenApi(document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document);
  const schemas = (copy.components as { schemas: Record<string, { required?: string[] }> }).schemas;
  schemas.Error.required = ['error_code', 'message'];
  schemas.OffsetRecordSent.required = ['partition', 'offset'];
  for (const path of ['/openapi', '/openapi/v3']) {
    const operation = copy.paths[path]?.get as OperationObject | undefined;
    const content = operation?.responses?.['200']?.content?.['application/json'];
    if (content) content.schema = { type: 'object', required: ['openapi', 'paths'] };
  }
  const unsubscribe = copy.paths['/consumers/{groupid}/instances/{name}/subscription']?.delete as
    | OperationObject
    | undefined;
  const notFound = unsubscribe?.responses?.['404']?.content;
  if (notFound?.['application/json'])
    notFound['application/vnd.kafka.v2+json'] = notFound['application/json'];
  const listed = schemas.SubscribedTopicList as { properties?: Record<string, unknown> } | undefined;
  if (listed?.properties) listed.properties.topics = { type: 'array', items: { type: 'string' } };
  return copy;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}

interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
}

/** Names an operation by its operationId or by method and path (a template, or a concrete request path). */
export type OperationRef = string | { method: string; path: string };

export interface ResponseValidator {
  /** Throws an Error saying exactly what is wrong when the response is not the documented one. */
  validateResponse(
    operation: OperationRef,
    status: number,
    contentType: string | undefined,
    body: unknown,
  ): void;
  /** Whether the document lists this status for the operation. */
  documents(operation: OperationRef, status: number): boolean;
  /** Throws unless `body` matches components/schemas/<name>. */
  validateSchema(name: string, body: unknown, what: string): void;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_ID = 'https://nagare.invalid/bridge/openapi.json';

interface Operation {
  label: string;
  pointer: string;
  object: OperationObject;
}

/** Builds a validator for `document`; response schemas compile lazily, once each. */
export function createResponseValidator(document: OpenApiDocument): ResponseValidator {
  // The document is registered whole so that its "#/components/..." references resolve, and its
  // non-schema parts (openapi, paths, responses, example…) are not JSON Schema keywords: strictSchema
  // would reject them. Every other strict check stays on.
  const ajv = new Ajv2020({ allErrors: true, strictSchema: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document as object, SPEC_ID);

  const operations = indexOperations(document);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string): ValidateFunction => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  };

  const find = (ref: OperationRef): Operation => {
    if (typeof ref === 'string') {
      const found = operations.find((operation) => operation.object.operationId === ref);
      if (!found) throw new Error(`no operation "${ref}" in the bridge's OpenAPI document`);
      return found;
    }
    return findByPath(document, operations, ref.method, ref.path);
  };

  const checkBody = (pointer: string, body: unknown, what: string): void => {
    const validate = validatorAt(pointer);
    if (!validate(body)) {
      const errors = ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' });
      throw new Error(`${what}: body does not match the schema: ${errors}\n  body: ${preview(body)}`);
    }
  };

  return {
    validateResponse(ref, status, contentType, body) {
      const operation = find(ref);
      const responses = operation.object.responses ?? {};
      const response = responses[String(status)] ?? responses.default;
      const documented = Object.keys(responses).join(', ');
      if (!response)
        throw new Error(
          `${operation.label}: status ${status} is not documented (documented: ${documented})\n  body: ${preview(body)}`,
        );
      const what = `${operation.label} → ${status}`;
      const contents = response.content ?? {};
      const mediaTypes = Object.keys(contents);
      if (mediaTypes.length === 0) {
        if (!isEmpty(body)) throw new Error(`${what}: documented without a body, got ${preview(body)}`);
        return;
      }
      const mediaType = contentType === undefined ? undefined : baseMediaType(contentType);
      const match = mediaTypes.find((documentedType) => documentedType.toLowerCase() === mediaType);
      if (match === undefined)
        throw new Error(
          `${what}: content type ${contentType === undefined ? '(none)' : `"${contentType}"`} is not documented (documented: ${mediaTypes.join(', ')})`,
        );
      if (contents[match].schema === undefined) return;
      const key = String(status) in responses ? String(status) : 'default';
      checkBody(`${operation.pointer}/responses/${key}/content/${escapePointer(match)}/schema`, body, what);
    },
    documents(ref, status) {
      const responses = find(ref).object.responses ?? {};
      return String(status) in responses || 'default' in responses;
    },
    validateSchema(name, body, what) {
      checkBody(`/components/schemas/${escapePointer(name)}`, body, what);
    },
  };
}

function indexOperations(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const object = item[method] as OperationObject | undefined;
      if (!object) continue;
      const name = object.operationId ? ` (${object.operationId})` : '';
      operations.push({
        label: `${method.toUpperCase()} ${path}${name}`,
        pointer: `/paths/${escapePointer(path)}/${method}`,
        object,
      });
    }
  }
  return operations;
}

/** A template path matches itself first; otherwise each `{param}` segment matches any one segment. */
function findByPath(
  document: OpenApiDocument,
  operations: Operation[],
  method: string,
  rawPath: string,
): Operation {
  const path = rawPath.split('?')[0];
  const lower = method.toLowerCase();
  const segments = path.split('/');
  const templates = Object.keys(document.paths);
  const template =
    templates.find((candidate) => candidate === path) ??
    templates.find((candidate) => {
      const parts = candidate.split('/');
      return (
        parts.length === segments.length &&
        parts.every((part, i) =>
          part.startsWith('{') && part.endsWith('}') ? segments[i] !== '' : part === segments[i],
        )
      );
    });
  if (!template)
    throw new Error(`${method.toUpperCase()} ${path}: no such path in the bridge's OpenAPI document`);
  const pointer = `/paths/${escapePointer(template)}/${lower}`;
  const operation = operations.find((candidate) => candidate.pointer === pointer);
  if (!operation)
    throw new Error(`${method.toUpperCase()} ${path}: ${template} documents no ${method.toUpperCase()}`);
  return operation;
}

/** `application/JSON; charset=utf-8` → `application/json`. */
export function baseMediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? JSON.stringify(body) : (JSON.stringify(body) ?? String(body));
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
