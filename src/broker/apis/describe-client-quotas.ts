// DescribeClientQuotas (key 48): Nagare enforces no client quotas and none can be set, so every filter
// matches nothing, as on a Kafka cluster where none were configured (kafka-configs --describe
// --entity-type clients|users|ips prints nothing).
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const describeClientQuotasApi: ApiDefinition = {
  key: API_KEYS.DescribeClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  handle: () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, entries: [] }),
};
