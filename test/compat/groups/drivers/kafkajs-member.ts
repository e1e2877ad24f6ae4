// A kafkajs group member for test/compat/groups (see member-io.ts). kafkajs has no per-partition
// rebalance callback: its GROUP_JOIN event carries the member's whole new assignment.
import { Kafka, logLevel } from 'kafkajs';
import { closeOnSigterm, emit, emitRecord, parseMemberArgs } from './member-io.ts';

const args = parseMemberArgs();
const kafka = new Kafka({ clientId: args.clientId, brokers: [args.bootstrap], logLevel: logLevel.ERROR });
const consumer = kafka.consumer({
  groupId: args.group,
  sessionTimeout: args.sessionTimeoutMs,
  heartbeatInterval: args.heartbeatIntervalMs,
  // kafkajs heartbeats between fetches only: a long fetch wait would outlast the short session timeout.
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  emit('assignment', { partitions: [...(payload.memberAssignment[args.topic] ?? [])].sort((a, b) => a - b) });
});
closeOnSigterm(() => consumer.disconnect());
await consumer.connect();
await consumer.subscribe({ topics: [args.topic], fromBeginning: true });
await consumer.run({
  autoCommit: true,
  autoCommitInterval: args.autoCommitIntervalMs,
  eachMessage: async ({ partition, message }) => emitRecord(partition, message.offset, message.value),
});
