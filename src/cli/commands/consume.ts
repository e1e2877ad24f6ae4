// `nagare consume TOPIC`: reads partitions by assignment (ListOffsets to find where to start, then Fetch),
// without a consumer group, and prints each record in a kcat-style format.
import { once } from 'node:events';
import type { ClusterTopicMetadata, Consumer } from '@platformatic/kafka';
import { Command, Option } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { batchRecords, type ConsumedRecord, offsetAfter } from '../consumed-record.ts';
import { CliError } from '../errors.ts';
import { addBootstrapOption, integerParser, parseTimestamp } from '../options.ts';
import { compileFormat, FORMAT_HELP } from '../record-format.ts';
import { type PartitionOffsets, type StartPosition, startOffset } from '../start-offsets.ts';
import { untilStopSignal } from '../stop-signal.ts';
import { checkPartition, topicMetadata } from '../topic-metadata.ts';

interface ConsumeOptions {
  bootstrapServer: string[];
  partition?: number;
  fromBeginning?: boolean;
  offset?: number;
  fromTimestamp?: bigint;
  maxMessages?: number;
  format: (record: ConsumedRecord) => Buffer;
  timeoutMs?: number;
}

/** Longest a Fetch waits for data, so that a stop request or the idle timeout is noticed promptly. */
const MAX_FETCH_WAIT_MS = 500;
const PARTITION_MAX_BYTES = 1024 * 1024;

export function consumeCommand(): Command {
  const command = new Command('consume')
    .description(
      'print the records of a topic; keeps waiting for new ones until Ctrl-C unless told when to stop',
    )
    .argument('<topic>', 'topic to read')
    .option('-p, --partition <n>', 'read only this partition (default: all)', integerParser(0, 2 ** 31 - 1))
    .addOption(
      new Option('--from-beginning', 'start at the earliest record (default: only new records)').conflicts([
        'offset',
        'fromTimestamp',
      ]),
    )
    .addOption(
      new Option('-o, --offset <n>', 'start at this offset (in each partition read)')
        .argParser(integerParser(0))
        .conflicts('fromTimestamp'),
    )
    .option(
      '--from-timestamp <time>',
      'start at the first record at or after this time (ISO date-time or epoch ms)',
      parseTimestamp,
    )
    .option('-n, --max-messages <n>', 'stop after this many records', integerParser(1))
    .addOption(
      new Option('-f, --format <format>', `output format: ${FORMAT_HELP}`)
        .argParser(compileFormat)
        .default(compileFormat('%v\\n'), "'%v\\n'"),
    )
    .option('-t, --timeout-ms <ms>', 'stop after this long without a new record', integerParser(0))
    .action(consume);
  return addBootstrapOption(command);
}

function startPosition(options: ConsumeOptions): StartPosition {
  if (options.fromBeginning) return { kind: 'earliest' };
  if (options.offset !== undefined) return { kind: 'offset', offset: BigInt(options.offset) };
  if (options.fromTimestamp !== undefined) return { kind: 'timestamp', timestamp: options.fromTimestamp };
  return { kind: 'latest' };
}

async function consume(topic: string, options: ConsumeOptions): Promise<void> {
  const bootstrap = options.bootstrapServer;
  const { Consumer } = await import('@platformatic/kafka');
  // The group id is required by the client; reading by assignment never uses it.
  const consumer = new Consumer({ ...clientOptions(bootstrap), groupId: 'nagare-cli' });
  const consumed = await withClient(
    consumer,
    { bootstrap, action: `consume topic '${topic}'`, topic },
    async () => {
      const metadata = await topicMetadata(consumer, topic);
      if (options.partition !== undefined) checkPartition(topic, metadata, options.partition);
      const partitions =
        options.partition !== undefined
          ? [options.partition]
          : Array.from({ length: metadata.partitionsCount }, (_, p) => p);
      const offsets = await listOffsets(consumer, topic, partitions, options.fromTimestamp);
      const position = startPosition(options);
      const next = new Map(partitions.map((p) => [p, startOffset(topic, p, position, offsets.get(p)!)]));
      return untilStopSignal((signal) => readRecords(consumer, topic, metadata, next, options, signal));
    },
  );
  console.error(`Consumed ${consumed} record${consumed === 1 ? '' : 's'} from '${topic}'.`);
}

async function listOffsets(
  consumer: Consumer,
  topic: string,
  partitions: number[],
  timestamp: bigint | undefined,
): Promise<Map<number, PartitionOffsets>> {
  const list = async (at: bigint) => {
    const listed = await consumer.listOffsetsWithTimestamps({
      topics: [topic],
      partitions: { [topic]: partitions },
      timestamp: at,
    });
    return listed.get(topic) ?? new Map<number, { offset: bigint }>();
  };
  // Kafka's special timestamps: -2 asks for the earliest offset, -1 for the latest.
  const earliest = await list(-2n);
  const latest = await list(-1n);
  const atTimestamp = timestamp === undefined ? undefined : await list(timestamp);
  return new Map(
    partitions.map((p) => [
      p,
      {
        earliest: earliest.get(p)?.offset ?? 0n,
        latest: latest.get(p)?.offset ?? 0n,
        atTimestamp: atTimestamp?.get(p)?.offset,
      },
    ]),
  );
}

/** Fetches from `next` until a limit is reached, stdout closes or `signal` aborts; returns the count. */
async function readRecords(
  consumer: Consumer,
  topic: string,
  metadata: ClusterTopicMetadata,
  next: Map<number, bigint>,
  options: ConsumeOptions,
  signal: AbortSignal,
): Promise<number> {
  const output = new Output();
  const byLeader = new Map<number, number[]>();
  for (const partition of next.keys()) {
    const leader = metadata.partitions[partition].leader;
    if (leader < 0)
      throw new CliError(`partition ${partition} of '${topic}' has no leader right now: try again`);
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
  }
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let consumed = 0;
  let lastRecordAt = Date.now();
  const idleLeft = () =>
    options.timeoutMs === undefined
      ? Number.POSITIVE_INFINITY
      : options.timeoutMs - (Date.now() - lastRecordAt);
  // The idle time is checked after fetching, never before: a slow start must not end a read that has
  // not looked for data yet.
  do {
    for (const [leader, partitions] of byLeader) {
      const maxWaitTime = Math.max(0, Math.min(MAX_FETCH_WAIT_MS, idleLeft()));
      const records = await fetchRecords(consumer, topic, metadata.id, leader, partitions, next, maxWaitTime);
      const shown = records.slice(0, limit - consumed);
      if (shown.length === 0) continue;
      consumed += shown.length;
      lastRecordAt = Date.now();
      await output.write(Buffer.concat(shown.map(options.format)));
    }
  } while (!signal.aborted && !output.closed && consumed < limit && idleLeft() > 0);
  return consumed;
}

/** One Fetch from one leader: the records after each partition's position, which it moves on. */
async function fetchRecords(
  consumer: Consumer,
  topic: string,
  topicId: string,
  leader: number,
  partitions: number[],
  next: Map<number, bigint>,
  maxWaitTime: number,
): Promise<ConsumedRecord[]> {
  const response = await consumer.fetch({
    node: leader,
    maxWaitTime,
    topics: [
      {
        topicId,
        partitions: partitions.map((partition) => ({
          partition,
          fetchOffset: next.get(partition)!,
          partitionMaxBytes: PARTITION_MAX_BYTES,
          currentLeaderEpoch: -1,
          lastFetchedEpoch: -1,
        })),
      },
    ],
  });
  const records: ConsumedRecord[] = [];
  for (const fetched of response.responses.flatMap((r) => r.partitions)) {
    const partition = fetched.partitionIndex;
    for (const batch of fetched.records ?? []) {
      const from = next.get(partition);
      if (from === undefined) continue;
      records.push(...batchRecords(topic, partition, batch, from));
      next.set(partition, offsetAfter(batch));
    }
  }
  return records;
}

/** Standard output with backpressure; a reader that goes away (`| head`) ends consumption quietly. */
class Output {
  closed = false;

  constructor() {
    // Kept for the life of the process: a write error can surface after the last write.
    process.stdout.on('error', () => {
      this.closed = true;
    });
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.closed || process.stdout.write(chunk)) return;
    await once(process.stdout, 'drain').catch(() => {
      this.closed = true;
    });
  }
}
