// EndTxn (key 26): commits or aborts the producer's transaction. Answered once the coordinator has
// written PrepareCommit/PrepareAbort; the markers follow in the background. v5 is sent by clients using
// transaction version 2: the epoch is bumped and the answer carries the producer id and epoch to go on with.
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import { clientTransactionVersionOf } from '../txn/transaction-version.ts';
import type { ApiDefinition } from './api.ts';
import { transactionErrorCode } from './transaction-errors.ts';

export const endTxnApi: ApiDefinition = {
  key: API_KEYS.EndTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const result = await ctx.broker.transactions.endTransaction(
      body.transactionalId as string,
      body.producerId as bigint,
      body.producerEpoch as number,
      body.committed as boolean,
      clientTransactionVersionOf('EndTxn', ctx.header.apiVersion),
    );
    return {
      throttleTimeMs: 0,
      errorCode: transactionErrorCode('EndTxn', result.error, ctx.header.apiVersion),
      producerId: result.producerId,
      producerEpoch: result.producerEpoch,
    };
  },
};
