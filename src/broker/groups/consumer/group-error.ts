// An error a consumer group operation answers with: a Kafka error name and the message Kafka gives.
// Operations return these as values; the API modules turn them into ErrorCode/ErrorMessage fields.
import type { ErrorName } from '../../../protocol/errors.ts';

export interface GroupError {
  readonly error: ErrorName;
  readonly message: string | null;
}

export function groupError(error: ErrorName, message: string | null = null): GroupError {
  return { error, message };
}

export function isGroupError(value: unknown): value is GroupError {
  return typeof value === 'object' && value !== null && 'error' in value && 'message' in value;
}
