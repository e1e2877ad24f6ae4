// ListTransactions (key 66): the transactional ids this coordinator knows, filtered by state, producer
// id and (v1) how long their transaction has been running, as kafka-transactions.sh list shows them.
// State names that are not Kafka's come back in unknownStateFilters.
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const listTransactionsApi: ApiDefinition = {
  key: API_KEYS.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(body, ctx) {
    const { unknownStateFilters, transactions } = ctx.broker.transactions.list({
      states: body.stateFilters as string[],
      producerIds: body.producerIdFilters as bigint[],
      durationMs: Number(body.durationFilter as bigint),
    });
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      unknownStateFilters,
      transactionStates: transactions.map((t) => ({
        transactionalId: t.transactionalId,
        producerId: t.producerId,
        transactionState: t.state,
      })),
    };
  },
};
