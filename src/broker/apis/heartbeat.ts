// Heartbeat (key 12): a classic group member is alive; the answer tells it to rejoin when the group
// rebalances (REBALANCE_IN_PROGRESS).
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf } from './group-context.ts';

export const heartbeatApi: ApiDefinition = {
  key: API_KEYS.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(body, ctx) {
    const error = ctx.broker.groups.heartbeat(body.groupId, {
      memberId: body.memberId,
      groupInstanceId: ctx.header.apiVersion >= 3 ? body.groupInstanceId : null,
      generationId: body.generationId,
    });
    return { throttleTimeMs: 0, errorCode: codeOf(error) };
  },
};
