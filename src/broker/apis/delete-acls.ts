// DeleteAcls (key 31): without an authorizer every filter fails with SECURITY_DISABLED, as on a Kafka
// broker without authorizer.class.name.
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { NO_AUTHORIZER } from './create-acls.ts';

export const deleteAclsApi: ApiDefinition = {
  key: API_KEYS.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  handle: (body) => ({
    throttleTimeMs: 0,
    filterResults: (body.filters as unknown[]).map(() => ({ ...NO_AUTHORIZER, matchingAcls: [] })),
  }),
};
