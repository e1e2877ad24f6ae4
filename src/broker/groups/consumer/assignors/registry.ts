// The server-side assignors a consumer group can use, by the names members ask for. The first is the
// default, as in Kafka's `group.consumer.assignors` (uniform, range).
import type { ConsumerGroupAssignor } from './assignor.ts';
import { rangeAssignor } from './range-assignor.ts';
import { uniformAssignor } from './uniform-assignor.ts';

export const SERVER_ASSIGNORS: readonly ConsumerGroupAssignor[] = [uniformAssignor, rangeAssignor];

export function serverAssignor(name: string): ConsumerGroupAssignor | undefined {
  return SERVER_ASSIGNORS.find((assignor) => assignor.name === name);
}
