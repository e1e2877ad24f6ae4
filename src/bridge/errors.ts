// Errors the bridge answers with: an HTTP status and the `{error_code, message}` body of the API's Error
// schema (error_code repeats the HTTP status, as in Strimzi), optionally with validation_errors.
// As in Strimzi, a request its OpenAPI validation refuses (body schema, parameters, content type) is
// 400, which the API document does not list; a valid request the bridge cannot carry out is 422.

export interface ErrorBody {
  error_code: number;
  message: string;
  validation_errors?: string[];
}

export class BridgeHttpError extends Error {
  override name = 'BridgeHttpError';
  readonly status: number;
  readonly validationErrors: string[] | undefined;

  constructor(status: number, message: string, validationErrors?: string[]) {
    super(message);
    this.status = status;
    this.validationErrors = validationErrors;
  }

  body(): ErrorBody {
    const body: ErrorBody = { error_code: this.status, message: this.message };
    if (this.validationErrors !== undefined) body.validation_errors = this.validationErrors;
    return body;
  }
}

export function notFound(message: string): BridgeHttpError {
  return new BridgeHttpError(404, message);
}

/** The message Strimzi gives for a body or parameter that does not match its schema. */
export const SCHEMA_VALIDATION_ERROR = 'Validation error on: Schema validation error';

export function schemaViolation(validationErrors: string[]): BridgeHttpError {
  return new BridgeHttpError(400, SCHEMA_VALIDATION_ERROR, validationErrors);
}

export function unprocessable(message: string): BridgeHttpError {
  return new BridgeHttpError(422, message);
}
