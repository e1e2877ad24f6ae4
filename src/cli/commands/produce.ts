// `nagare produce TOPIC`: one record per stdin line, sent in batches as lines arrive.
import type { CompressionAlgorithmValue, MessageToProduce } from '@platformatic/kafka';
import { Command, Option } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { CliError } from '../errors.ts';
import { forEachLineBatch } from '../line-batches.ts';
import { lineRecord } from '../line-record.ts';
import { addBootstrapOption, collectKeyValues, integerParser } from '../options.ts';
import { partitionChooser } from '../partitioner.ts';
import { untilStopSignal } from '../stop-signal.ts';
import { checkPartition, topicMetadata } from '../topic-metadata.ts';

interface ProduceOptions {
  bootstrapServer: string[];
  keySeparator?: string;
  header?: [string, string][];
  partition?: number;
  compression: CompressionAlgorithmValue;
  acks: '0' | '1' | 'all';
}

const ACKS = { '0': 0, '1': 1, all: -1 } as const;

export function produceCommand(): Command {
  const command = new Command('produce')
    .description('write one record per line of standard input to a topic (Ctrl-D ends)')
    .argument('<topic>', 'topic to write to')
    .option('-K, --key-separator <sep>', 'split each line into KEY<sep>VALUE at the first <sep>')
    .option('-H, --header <key=value>', 'header added to every record (repeatable)', collectKeyValues)
    .option(
      '-p, --partition <n>',
      'write every record to this partition (default: by key hash, round robin without key)',
      integerParser(0, 2 ** 31 - 1),
    )
    .addOption(
      new Option('-z, --compression <codec>', 'batch compression')
        .choices(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
        .default('none'),
    )
    .addOption(
      new Option('--acks <acks>', 'acknowledgement to wait for: none, the leader, all replicas')
        .choices(['0', '1', 'all'])
        .default('all'),
    )
    .action(produce);
  return addBootstrapOption(command);
}

async function produce(topic: string, options: ProduceOptions): Promise<void> {
  if (options.keySeparator === '') throw new CliError('--key-separator cannot be empty', 2);
  const bootstrap = options.bootstrapServer;
  const { Producer, murmur2 } = await import('@platformatic/kafka');
  const producer = new Producer(clientOptions(bootstrap));
  const perPartition = new Map<number, number>();
  const headers = (options.header ?? []).map(([key, value]): [Buffer, Buffer] => [
    Buffer.from(key),
    Buffer.from(value),
  ]);
  try {
    await withClient(producer, { bootstrap, action: `produce to topic '${topic}'`, topic }, async () => {
      const metadata = await topicMetadata(producer, topic, { autocreate: true });
      if (options.partition !== undefined) checkPartition(topic, metadata, options.partition);
      const choosePartition = partitionChooser(murmur2, metadata.partitionsCount, options.partition);
      await untilStopSignal((signal) =>
        forEachLineBatch(
          process.stdin,
          { maxLines: 1000, lingerMs: 5, signal },
          async (lines, firstLineNumber) => {
            // Lines before a malformed one are still sent, as they would be one by one.
            const messages: (MessageToProduce & { partition: number })[] = [];
            let malformed: unknown;
            for (const [i, line] of lines.entries()) {
              try {
                const { key, value } = lineRecord(line, firstLineNumber + i, options.keySeparator);
                // A Map keyed by distinct Buffer objects keeps repeated header names, as Kafka allows.
                messages.push({
                  topic,
                  partition: choosePartition(key),
                  key,
                  value,
                  headers: new Map(headers),
                });
              } catch (err) {
                malformed = err;
                break;
              }
            }
            if (messages.length > 0) {
              await producer.send({ messages, acks: ACKS[options.acks], compression: options.compression });
            }
            for (const { partition } of messages) {
              perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
            }
            if (malformed) throw malformed;
          },
        ),
      );
    });
  } catch (err) {
    // Say what did get through before the error line.
    if (perPartition.size > 0) console.error(produceSummary(topic, perPartition));
    throw err;
  }
  console.error(produceSummary(topic, perPartition));
}

function produceSummary(topic: string, perPartition: ReadonlyMap<number, number>): string {
  const total = [...perPartition.values()].reduce((sum, n) => sum + n, 0);
  const plural = (n: number) => `${n} record${n === 1 ? '' : 's'}`;
  const partitions = [...perPartition]
    .sort(([a], [b]) => a - b)
    .map(([partition, n]) => `partition ${partition}: ${plural(n)}`);
  return `Produced ${plural(total)} to '${topic}'${partitions.length > 0 ? ` (${partitions.join(', ')})` : ''}.`;
}
