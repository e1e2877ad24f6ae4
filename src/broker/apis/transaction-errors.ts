// The error code a transactional API answers, for the version the client speaks: clients before the
// version that introduced PRODUCER_FENCED (KIP-588) know it only as INVALID_PRODUCER_EPOCH, and Kafka
// answers them so.
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';

/** The first version of each transactional API that knows PRODUCER_FENCED. */
const PRODUCER_FENCED_SINCE = {
  InitProducerId: 4,
  AddPartitionsToTxn: 2,
  AddOffsetsToTxn: 2,
  EndTxn: 2,
} as const;

export function transactionErrorCode(
  api: keyof typeof PRODUCER_FENCED_SINCE,
  error: ErrorName | undefined,
  version: number,
): number {
  if (error === undefined) return 0;
  if (error === 'PRODUCER_FENCED' && version < PRODUCER_FENCED_SINCE[api])
    return ERRORS.INVALID_PRODUCER_EPOCH.code;
  return ERRORS[error].code;
}
