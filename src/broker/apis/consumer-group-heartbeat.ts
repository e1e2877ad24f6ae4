// ConsumerGroupHeartbeat (key 68): a member of a KIP-848 consumer group joins, heartbeats, reconciles or
// leaves; the consumer group coordinator decides, this module translates to and from the wire.
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { heartbeatResponse, requestOriginOf } from './group-heartbeat.ts';

export const consumerGroupHeartbeatApi: ApiDefinition = {
  key: API_KEYS.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(body, ctx): Promise<ConsumerGroupHeartbeatResponse> {
    const request = body as ConsumerGroupHeartbeatRequest;
    return heartbeatResponse(await ctx.broker.consumerGroups.heartbeat(request, requestOriginOf(ctx)));
  },
};
