// DeleteGroups (key 42): deletes empty groups with their committed offsets (NON_EMPTY_GROUP while a
// group has members, GROUP_ID_NOT_FOUND for unknown ones).
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf } from './group-context.ts';

export const deleteGroupsApi: ApiDefinition = {
  key: API_KEYS.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(body, ctx) {
    const names = body.groupsNames as string[];
    const errors = await ctx.broker.groups.deleteGroups(names);
    return {
      throttleTimeMs: 0,
      results: names.map((groupId, i) => ({ groupId, errorCode: codeOf(errors[i]) })),
    };
  },
};
