// InitProducerId (key 22). Without a transactional id: always a fresh producer id at epoch 0, even when the
// producer names its previous id and epoch (v3+), as Kafka's TransactionCoordinator does. With one: the
// transaction coordinator's id and epoch for it (txn/transaction-coordinator.ts). An id without epoch, or
// the reverse, is refused first.
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { transactionErrorCode } from './transaction-errors.ts';

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

export const initProducerIdApi: ApiDefinition = {
  key: API_KEYS.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const answer = (errorCode: number, producerId = NO_PRODUCER_ID, producerEpoch = NO_PRODUCER_EPOCH) => ({
      throttleTimeMs: 0,
      errorCode,
      producerId,
      producerEpoch,
    });
    const producerId = body.producerId as bigint;
    const producerEpoch = body.producerEpoch as number;
    const noPreviousId = producerId === NO_PRODUCER_ID;
    const noPreviousEpoch = producerEpoch === NO_PRODUCER_EPOCH;
    if (noPreviousId !== noPreviousEpoch) return answer(ERRORS.INVALID_REQUEST.code);
    const transactionalId = body.transactionalId as string | null;
    if (transactionalId === null) return answer(0, await ctx.broker.metadata.allocateProducerId(), 0);
    const result = await ctx.broker.transactions.initProducerId(
      transactionalId,
      body.transactionTimeoutMs as number,
      noPreviousId ? undefined : { producerId, producerEpoch },
    );
    return answer(
      transactionErrorCode('InitProducerId', result.error, ctx.header.apiVersion),
      result.producerId,
      result.producerEpoch,
    );
  },
};
