// InitProducerId (key 22) for idempotent producers: always a fresh producer id at epoch 0, even when the
// producer names its previous id and epoch (v3+), as Kafka's TransactionCoordinator does for a request
// without transactional id; only an id without epoch, or the reverse, is refused. Transactional ids need
// the transaction coordinator, which this broker does not have yet.
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

export const initProducerIdApi: ApiDefinition = {
  key: API_KEYS.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const answer = (errorCode: number, producerId = -1n, producerEpoch = -1) => ({
      throttleTimeMs: 0,
      errorCode,
      producerId,
      producerEpoch,
    });
    if (body.transactionalId !== null) return answer(ERRORS.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
    const noPreviousId = (body.producerId as bigint) === NO_PRODUCER_ID;
    const noPreviousEpoch = (body.producerEpoch as number) === NO_PRODUCER_EPOCH;
    if (noPreviousId !== noPreviousEpoch) return answer(ERRORS.INVALID_REQUEST.code);
    return answer(0, await ctx.broker.metadata.allocateProducerId(), 0);
  },
};
