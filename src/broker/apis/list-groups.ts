// ListGroups (key 16): every group, filtered by state (v4+) and type (v5+), case-insensitively.
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const listGroupsApi: ApiDefinition = {
  key: API_KEYS.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(body, ctx) {
    const version = ctx.header.apiVersion;
    const groups = ctx.broker.groups.listGroups(
      version >= 4 ? (body.statesFilter as string[]) : [],
      version >= 5 ? (body.typesFilter as string[]) : [],
    );
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      groups,
    };
  },
};
