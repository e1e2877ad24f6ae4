// An @platformatic/kafka group member for test/compat/groups (see member-io.ts). Its
// consumer:group:join event carries the member's whole new assignment. It commits each record itself
// once reported: this client's autocommit runs on a timer only, neither before a rebalance revokes
// partitions (with its default eager protocol) nor when the consumer closes.
import { Consumer, type ConsumerGroupJoinPayload } from '@platformatic/kafka';
import { closeOnSigterm, emit, emitRecord, parseMemberArgs } from './member-io.ts';

const args = parseMemberArgs();
const consumer = new Consumer({
  clientId: args.clientId,
  bootstrapBrokers: [args.bootstrap],
  groupId: args.group,
  sessionTimeout: args.sessionTimeoutMs,
  heartbeatInterval: args.heartbeatIntervalMs,
  // A rebalance waits for every member to rejoin; keep the wait of a fetch short so that members do.
  maxWaitTime: 100,
});
consumer.on('consumer:group:join', (payload: ConsumerGroupJoinPayload) => {
  const partitions = payload.assignments?.find((assignment) => assignment.topic === args.topic)?.partitions;
  emit('assignment', { partitions: [...(partitions ?? [])].sort((a, b) => a - b) });
});
const stream = await consumer.consume({
  topics: [args.topic],
  mode: 'committed',
  fallbackMode: 'earliest',
  autocommit: false,
});
let consuming: Promise<void> | undefined;
closeOnSigterm(async () => {
  await stream.close();
  await consuming;
  await consumer.close();
});
consuming = (async () => {
  for await (const message of stream) {
    emitRecord(message.partition, message.offset, message.value);
    await message.commit();
  }
})();
