// Where `nagare consume` starts reading each partition, from the user's choice and the offsets the broker
// lists for the partition.
import { CliError } from './errors.ts';

export type StartPosition =
  | { kind: 'latest' }
  | { kind: 'earliest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'timestamp'; timestamp: bigint };

export interface PartitionOffsets {
  /** First offset still in the log. */
  earliest: bigint;
  /** Offset the next record will get (the high watermark). */
  latest: bigint;
  /** First offset whose timestamp is at or after the requested one; -1 when there is none yet. */
  atTimestamp?: bigint;
}

export function startOffset(
  topic: string,
  partition: number,
  position: StartPosition,
  offsets: PartitionOffsets,
): bigint {
  switch (position.kind) {
    case 'earliest':
      return offsets.earliest;
    case 'latest':
      return offsets.latest;
    case 'timestamp': {
      // No record that recent yet: wait for the next one, as Kafka's consumer does after offsetsForTimes.
      const found = offsets.atTimestamp ?? -1n;
      return found < 0n ? offsets.latest : found;
    }
    case 'offset': {
      const { offset } = position;
      if (offset >= offsets.earliest && offset <= offsets.latest) return offset;
      const holds =
        offsets.earliest === offsets.latest
          ? `holds no records (next offset ${offsets.latest})`
          : `holds offsets ${offsets.earliest} to ${offsets.latest - 1n}`;
      throw new CliError(
        `offset ${offset} is out of range for '${topic}' partition ${partition}, which ${holds}: pass an --offset from ${offsets.earliest} to ${offsets.latest}, or --from-beginning`,
      );
    }
  }
}
