// ListPartitionReassignments (key 46): a single node never moves replicas, so no reassignment is ever in
// progress and the answer is empty, whatever topics are asked for (Kafka skips unknown ones too).
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const listPartitionReassignmentsApi: ApiDefinition = {
  key: API_KEYS.ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle: () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] }),
};
