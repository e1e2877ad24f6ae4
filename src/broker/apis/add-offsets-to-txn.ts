// AddOffsetsToTxn (key 25): adds the __consumer_offsets partition of a group to the producer's
// transaction, so that the transaction's markers also reach the offsets the producer commits there
// (TxnOffsetCommit). __consumer_offsets is created first if it does not exist yet.
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { transactionErrorCode } from './transaction-errors.ts';

export const addOffsetsToTxnApi: ApiDefinition = {
  key: API_KEYS.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(body, ctx) {
    const { broker } = ctx;
    const error = await broker.transactions.addPartitions(
      body.transactionalId as string,
      body.producerId as bigint,
      body.producerEpoch as number,
      [await broker.groups.offsetsPartition(body.groupId as string)],
    );
    return {
      throttleTimeMs: 0,
      errorCode: transactionErrorCode('AddOffsetsToTxn', error, ctx.header.apiVersion),
    };
  },
};
