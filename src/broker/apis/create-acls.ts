// CreateAcls (key 30): without an authorizer every creation fails with SECURITY_DISABLED, as on a Kafka
// broker without authorizer.class.name.
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const NO_AUTHORIZER = {
  errorCode: ERRORS.SECURITY_DISABLED.code,
  errorMessage: 'No Authorizer is configured.',
};

export const createAclsApi: ApiDefinition = {
  key: API_KEYS.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  handle: (body) => ({ throttleTimeMs: 0, results: (body.creations as unknown[]).map(() => NO_AUTHORIZER) }),
};
