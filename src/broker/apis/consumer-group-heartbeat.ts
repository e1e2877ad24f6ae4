// ConsumerGroupHeartbeat (key 68): a member of a KIP-848 consumer group joins, heartbeats, reconciles or
// leaves; the consumer group coordinator decides, this module translates to and from the wire.
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import { isGroupError } from '../groups/consumer/group-error.ts';
import type { ApiDefinition } from './api.ts';
import { clientHostOf, clientIdOf, codeOf } from './group-context.ts';

export const consumerGroupHeartbeatApi: ApiDefinition = {
  key: API_KEYS.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(body, ctx): Promise<ConsumerGroupHeartbeatResponse> {
    const result = await ctx.broker.consumerGroups.heartbeat(body as ConsumerGroupHeartbeatRequest, {
      clientId: clientIdOf(ctx),
      clientHost: clientHostOf(ctx),
      apiVersion: ctx.header.apiVersion,
    });
    if (isGroupError(result)) {
      return {
        throttleTimeMs: 0,
        errorCode: codeOf(result.error),
        errorMessage: result.message,
        memberId: null,
        memberEpoch: 0,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
    const joined = 'heartbeatIntervalMs' in result;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: joined ? result.heartbeatIntervalMs : 0,
      assignment: joined && result.assignment ? { topicPartitions: result.assignment } : null,
    };
  },
};
