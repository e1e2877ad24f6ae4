// InitProducerId (key 22) for idempotent producers: a fresh producer id at epoch 0, or, when a producer
// asks again with its id and epoch (KIP-360, v3+), the same id with the next epoch. Transactional ids need
// the transaction coordinator, which this broker does not have yet.
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

const MAX_EPOCH = 32767;

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
    const previousId = body.producerId as bigint;
    const previousEpoch = body.producerEpoch as number;
    if (previousId >= 0n && previousEpoch >= 0 && previousEpoch < MAX_EPOCH - 1) {
      return answer(0, previousId, previousEpoch + 1);
    }
    return answer(0, await ctx.broker.metadata.allocateProducerId(), 0);
  },
};
