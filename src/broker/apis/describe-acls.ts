// DescribeAcls (key 29): Nagare has no authorizer yet, so it answers like a Kafka broker without
// authorizer.class.name: SECURITY_DISABLED with Kafka's message (kafka-acls prints it).
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const describeAclsApi: ApiDefinition = {
  key: API_KEYS.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle: () => ({
    throttleTimeMs: 0,
    errorCode: ERRORS.SECURITY_DISABLED.code,
    errorMessage: 'No Authorizer is configured on the broker',
    resources: [],
  }),
};
