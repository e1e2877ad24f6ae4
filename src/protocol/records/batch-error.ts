// The errors of record-batch handling, named after the Kafka error a broker answers with, so that a
// Produce handler can hand `error.code` straight back to the client. Validation returns them as values;
// decoding functions throw them wrapped in RecordBatchError (a KafkaError, which the API layer maps).
import { KafkaError } from '../errors.ts';

export type BatchErrorCode =
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'UNSUPPORTED_COMPRESSION_TYPE'
  | 'MESSAGE_TOO_LARGE';

export interface BatchError {
  code: BatchErrorCode;
  message: string;
}

export class RecordBatchError extends KafkaError {
  readonly code: BatchErrorCode;
  constructor(code: BatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    this.name = 'RecordBatchError';
    this.code = code;
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  toValue(): BatchError {
    return { code: this.code, message: this.message };
  }
}
