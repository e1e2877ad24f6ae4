// A request body checked against what its operation declares, in the order a client can act on: first
// the Content-Type, then JSON syntax, then the schema. A Content-Type the operation does not take is 415
// Unsupported Media Type (Strimzi's OpenAPI validation answers it with a 400; its wording is kept); bad
// JSON or a schema mismatch is a 400 worded as Strimzi's, with one validation error per mismatch.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { mediaType } from './content-types.ts';
import { BridgeHttpError, schemaViolation } from './errors.ts';
import type { NamedSchema } from './schemas.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One validator per schema; ajv compiles each once. */
export function createBodyValidator(): (schema: NamedSchema, body: unknown) => void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The OpenAPI formats the bridge's schemas use.
  ajv.addFormat('byte', BASE64);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  const compiled = new Map<string, ValidateFunction>();
  return (named, body) => {
    let validate = compiled.get(named.name);
    if (!validate) {
      validate = ajv.compile(named.schema);
      compiled.set(named.name, validate);
    }
    if (!validate(body)) {
      throw schemaViolation((validate.errors ?? []).map(describe));
    }
  };
}

/**
 * Parses and validates `raw` for an operation taking `contentTypes`. `required` = a body must be there.
 * Returns the parsed body (undefined for an allowed empty body).
 */
export function readRequestBody(
  contentType: string | undefined,
  raw: string | undefined,
  declared: { contentTypes: string[]; schema: NamedSchema; required: boolean },
  validate: (schema: NamedSchema, body: unknown) => void,
): unknown {
  const empty = raw === undefined || raw.trim() === '';
  if (empty && !declared.required) return undefined;
  const type = contentType === undefined ? undefined : mediaType(contentType);
  if (type === undefined || !declared.contentTypes.includes(type)) {
    throw new BridgeHttpError(
      415,
      `Validation error on: The format of the request body is not supported: ${contentType ?? 'no Content-Type'}` +
        ` (expected ${declared.contentTypes.join(' or ')})`,
    );
  }
  if (empty) throw new BridgeHttpError(400, 'Validation error on: The request body is required');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    throw new BridgeHttpError(
      400,
      `Validation error on: The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  validate(declared.schema, body);
  return body;
}

/** One validation error as a line: where in the body, and what is wrong. */
function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'body' : error.instancePath;
  if (error.keyword === 'additionalProperties') {
    return `${where}: property "${(error.params as { additionalProperty: string }).additionalProperty}" is not allowed`;
  }
  return `${where}: ${error.message ?? error.keyword}`;
}
