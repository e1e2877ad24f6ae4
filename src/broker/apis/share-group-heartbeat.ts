// ShareGroupHeartbeat (key 76, v1 as Kafka 4.3 serves it): a member of a KIP-932 share group joins,
// heartbeats or leaves; the share group coordinator decides, this module translates to and from the wire.
import type {
  ShareGroupHeartbeatRequest,
  ShareGroupHeartbeatResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { heartbeatResponse, requestOriginOf } from './group-heartbeat.ts';

export const shareGroupHeartbeatApi: ApiDefinition = {
  key: API_KEYS.ShareGroupHeartbeat,
  minVersion: 1,
  maxVersion: 1,
  async handle(body, ctx): Promise<ShareGroupHeartbeatResponse> {
    const request = body as ShareGroupHeartbeatRequest;
    return heartbeatResponse(await ctx.broker.shareGroups.heartbeat(request, requestOriginOf(ctx)));
  },
};
