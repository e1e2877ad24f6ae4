// SyncGroup (key 14): members fetch their assignment; the leader's request carries everyone's. From v5
// the protocol type and name are mandatory, as Kafka checks.
import type { Message } from '../../protocol/codec.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import { syncError } from '../groups/classic-member.ts';
import type { ApiDefinition } from './api.ts';

export const syncGroupApi: ApiDefinition = {
  key: API_KEYS.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const version = ctx.header.apiVersion;
    const protocolType = version >= 5 ? (body.protocolType as string | null) : null;
    const protocolName = version >= 5 ? (body.protocolName as string | null) : null;
    if (version >= 5 && (protocolType === null || protocolName === null)) {
      return { throttleTimeMs: 0, ...syncError('INCONSISTENT_GROUP_PROTOCOL') };
    }
    const result = await ctx.broker.groups.syncGroup(body.groupId, {
      memberId: body.memberId,
      groupInstanceId: version >= 3 ? body.groupInstanceId : null,
      generationId: body.generationId,
      protocolType,
      protocolName,
      assignments: (body.assignments as Message[]).map((a) => ({
        memberId: a.memberId,
        assignment: Buffer.from(a.assignment),
      })),
    });
    return { throttleTimeMs: 0, ...result };
  },
};
