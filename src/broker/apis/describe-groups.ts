// DescribeGroups (key 15): state, protocol and members of groups; an unknown group is "Dead" (before v6,
// as here). Without an authorizer every operation on a group is allowed, which v3+ reports on request.
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import { ALL_GROUP_OPERATIONS } from '../groups/group.ts';
import type { ApiDefinition } from './api.ts';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.ts';

export const describeGroupsApi: ApiDefinition = {
  key: API_KEYS.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(body, ctx) {
    const include = ctx.header.apiVersion >= 3 && (body.includeAuthorizedOperations as boolean);
    return {
      throttleTimeMs: 0,
      groups: (body.groups as string[]).map((groupId) => ({
        errorCode: 0,
        groupId,
        ...ctx.broker.groups.describeGroup(groupId),
        authorizedOperations: include ? ALL_GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
};
