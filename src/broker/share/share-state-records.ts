// Kafka's records of __share_group_state, the share coordinator's compacted topic: key record type 0 is
// a ShareSnapshot (the whole state of one share-partition), type 1 a ShareUpdate (changes on top of the
// last snapshot). Field layouts are those of Kafka 4.3's ShareSnapshotKey/Value and ShareUpdateKey/Value
// definitions, framed as every coordinator record is (coordinator-record-format.ts). Nagare writes
// snapshots only; updates are read so that a state topic written by Kafka replays too.
import type { Message } from '../../protocol/codec.ts';
import type { MessageSchema } from '../../protocol/schema/types.ts';
import {
  decodeVersioned,
  encodeVersioned,
  field,
  recordTypeOf,
} from '../groups/coordinator-record-format.ts';
import type { StateBatch } from './share-partition.ts';

export const SHARE_RECORD_TYPE = { snapshot: 0, update: 1 } as const;

export interface SharePartitionKey {
  groupId: string;
  topicId: string;
  partition: number;
}

export interface ShareStateValue {
  snapshotEpoch: number;
  stateEpoch: number;
  leaderEpoch: number;
  /** -1 in an update that leaves the start offset as it was. */
  startOffset: bigint;
  createTimestamp: bigint;
  writeTimestamp: bigint;
  stateBatches: StateBatch[];
}

export type ShareStateRecord =
  | { type: 'snapshot'; key: SharePartitionKey; value: ShareStateValue }
  | { type: 'update'; key: SharePartitionKey; value: ShareStateValue }
  /** A tombstone: the share-partition's state was deleted. */
  | { type: 'deleted'; key: SharePartitionKey };

const keySchema: MessageSchema = {
  name: 'ShareSnapshotKey',
  validVersions: [0, 0],
  flexibleVersions: null,
  fields: [field('groupId', 'string'), field('topicId', 'uuid'), field('partition', 'int32')],
};

const stateBatchFields = [
  field('firstOffset', 'int64'),
  field('lastOffset', 'int64'),
  field('deliveryState', 'int8'),
  field('deliveryCount', 'int16'),
];

const deliveryCompleteCount = field('deliveryCompleteCount', 'int32', {
  tag: 0,
  tagged: [0, 0x7fff],
  default: -1,
});

const snapshotValueSchema: MessageSchema = {
  name: 'ShareSnapshotValue',
  validVersions: [0, 0],
  flexibleVersions: [0, 0x7fff],
  fields: [
    field('snapshotEpoch', 'int32'),
    field('stateEpoch', 'int32'),
    field('leaderEpoch', 'int32'),
    field('startOffset', 'int64'),
    deliveryCompleteCount,
    field('createTimestamp', 'int64'),
    field('writeTimestamp', 'int64'),
    field('stateBatches', 'struct', { array: true, fields: stateBatchFields }),
  ],
};

const updateValueSchema: MessageSchema = {
  name: 'ShareUpdateValue',
  validVersions: [0, 0],
  flexibleVersions: [0, 0x7fff],
  fields: [
    field('snapshotEpoch', 'int32'),
    field('leaderEpoch', 'int32'),
    field('startOffset', 'int64'),
    deliveryCompleteCount,
    field('stateBatches', 'struct', { array: true, fields: stateBatchFields }),
  ],
};

export function encodeShareKey(key: SharePartitionKey): Buffer {
  return encodeVersioned(SHARE_RECORD_TYPE.snapshot, keySchema, { ...key }, 0);
}

/** A snapshot record's value: the whole state of the share-partition. */
export function encodeShareSnapshotValue(value: ShareStateValue): Buffer {
  const body: Message = {
    ...value,
    deliveryCompleteCount: -1,
    stateBatches: value.stateBatches.map((b) => ({ ...b })),
  };
  return encodeVersioned(0, snapshotValueSchema, body);
}

/** Reads one record of __share_group_state; undefined for a record type this module does not know. */
export function decodeShareRecord(key: Buffer, value: Buffer | null): ShareStateRecord | undefined {
  const type = recordTypeOf(key);
  if (type !== SHARE_RECORD_TYPE.snapshot && type !== SHARE_RECORD_TYPE.update) return undefined;
  const k = decodeVersioned(key, keySchema, 0).message;
  const shareKey: SharePartitionKey = { groupId: k.groupId, topicId: k.topicId, partition: k.partition };
  if (value === null) return { type: 'deleted', key: shareKey };
  const schema = type === SHARE_RECORD_TYPE.snapshot ? snapshotValueSchema : updateValueSchema;
  const v = decodeVersioned(value, schema).message;
  return {
    type: type === SHARE_RECORD_TYPE.snapshot ? 'snapshot' : 'update',
    key: shareKey,
    value: {
      snapshotEpoch: v.snapshotEpoch,
      stateEpoch: v.stateEpoch ?? 0,
      leaderEpoch: v.leaderEpoch,
      startOffset: v.startOffset,
      createTimestamp: v.createTimestamp ?? -1n,
      writeTimestamp: v.writeTimestamp ?? -1n,
      stateBatches: (v.stateBatches as Message[]).map((b) => ({
        firstOffset: b.firstOffset,
        lastOffset: b.lastOffset,
        deliveryState: b.deliveryState,
        deliveryCount: b.deliveryCount,
      })),
    },
  };
}

/**
 * The state after an update, as Kafka's share coordinator merges one: a new start offset (unless -1)
 * drops batches below it, and the update's batches replace the offsets they cover.
 */
export function applyShareUpdate(state: ShareStateValue, update: ShareStateValue): ShareStateValue {
  const startOffset = update.startOffset >= 0n ? update.startOffset : state.startOffset;
  const byOffset = new Map<bigint, { deliveryState: number; deliveryCount: number }>();
  for (const batch of [...state.stateBatches, ...update.stateBatches]) {
    for (let o = batch.firstOffset; o <= batch.lastOffset; o++) {
      if (o >= startOffset)
        byOffset.set(o, { deliveryState: batch.deliveryState, deliveryCount: batch.deliveryCount });
    }
  }
  const stateBatches: StateBatch[] = [];
  for (const offset of [...byOffset.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const s = byOffset.get(offset)!;
    const last = stateBatches.at(-1);
    if (
      last &&
      last.lastOffset + 1n === offset &&
      last.deliveryState === s.deliveryState &&
      last.deliveryCount === s.deliveryCount
    ) {
      last.lastOffset = offset;
    } else {
      stateBatches.push({ firstOffset: offset, lastOffset: offset, ...s });
    }
  }
  return { ...state, startOffset, leaderEpoch: update.leaderEpoch, stateBatches };
}
