// JoinGroup (key 11): a member joins a classic group and waits for the join phase to end (the response
// comes when the group rebalances, or at once for errors and v4+'s MEMBER_ID_REQUIRED).
import type { Message } from '../../protocol/codec.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { clientHostOf, clientIdOf } from './group-context.ts';

export const joinGroupApi: ApiDefinition = {
  key: API_KEYS.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(body, ctx) {
    const version = ctx.header.apiVersion;
    const groupInstanceId = version >= 5 ? (body.groupInstanceId as string | null) : null;
    const result = await ctx.broker.groups.joinGroup(body.groupId, {
      memberId: body.memberId,
      groupInstanceId,
      clientId: clientIdOf(ctx),
      clientHost: clientHostOf(ctx),
      sessionTimeoutMs: body.sessionTimeoutMs,
      // v0 has no rebalance timeout: the session timeout serves for both.
      rebalanceTimeoutMs: version === 0 ? body.sessionTimeoutMs : body.rebalanceTimeoutMs,
      protocolType: body.protocolType,
      protocols: (body.protocols as Message[]).map((p) => ({
        name: p.name,
        metadata: Buffer.from(p.metadata),
      })),
      requireKnownMemberId: version >= 4 && groupInstanceId === null,
      supportsSkipAssignment: version >= 9,
      reason: body.reason ?? null,
    });
    // The protocol name is nullable from v7; before, "none" is the empty string.
    return { throttleTimeMs: 0, ...result, protocolName: result.protocolName ?? (version < 7 ? '' : null) };
  },
};
