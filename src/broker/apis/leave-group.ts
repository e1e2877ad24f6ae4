// LeaveGroup (key 13): members leave a classic group, which rebalances without them. v3+ names several
// members (static ones by group.instance.id alone, for admin tools); v0–2 one member, whose error is the
// response's error.
import type { Message } from '../../protocol/codec.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf } from './group-context.ts';

export const leaveGroupApi: ApiDefinition = {
  key: API_KEYS.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(body, ctx) {
    const version = ctx.header.apiVersion;
    const leaving =
      version >= 3
        ? (body.members as Message[]).map((m) => ({
            memberId: m.memberId as string,
            groupInstanceId: m.groupInstanceId as string | null,
            reason: (m.reason as string | null) ?? null,
          }))
        : [{ memberId: body.memberId as string, groupInstanceId: null, reason: null }];
    const result = ctx.broker.groups.leaveGroup(body.groupId, leaving);
    if ('error' in result) return { throttleTimeMs: 0, errorCode: codeOf(result.error), members: [] };
    if (version >= 3) return { throttleTimeMs: 0, errorCode: 0, members: result.members };
    return { throttleTimeMs: 0, errorCode: result.members.find((m) => m.errorCode !== 0)?.errorCode ?? 0 };
  },
};
