import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runKafkaTool } from '../../support/kafka-tools.ts';
import { type BrokerPair, compareOn, pairMissing, startPair } from '../../support/targets.ts';
import { javaCompatClasspath } from '../groups/group-clients.ts';

// Differential: Kafka's kafka-share-groups tool against Apache Kafka 4.3.1 and Nagare, on a share group
// the Java share consumer (test/compat/java/ShareClient.java) has used: listing, the group's state and
// members, its start offsets and lag (DescribeShareGroupOffsets), resetting them (AlterShareGroupOffsets),
// deleting them for a topic (DeleteShareGroupOffsets), deleting the group; and the errors for a group that
// does not exist (resetting its offsets creates it, as in Kafka). The start offsets are compared only after
// the reset: once everything is acknowledged, Kafka 4.3.1 still reports as start offset the first record
// that was released and redelivered (its share-partitions keep that state), where Nagare has moved past
// the whole acknowledged range (the lag, 0, agrees).

const run = promisify(execFile);
const skip = pairMissing();
const TOPIC = 'share-tool-topic';
const GROUP = 'share-tool-group';
const MISSING = 'share-tool-no-such-group';

/** What the tool printed, without what differs between two brokers (address, column widths). */
function normalised(text: string): string {
  return text
    .replace(/127\.0\.0\.1:\d+/g, '<broker>')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

describe('kafka-share-groups: Nagare prints what Kafka 4.3.1 prints', { skip }, () => {
  let pair: BrokerPair;
  before(async () => {
    pair = await startPair({
      overrides: {
        'group.share.heartbeat.interval.ms': '1000',
        'group.share.min.heartbeat.interval.ms': '1000',
      },
    });
  });
  after(async () => {
    await pair?.stop();
  });

  it('lists, describes, resets and deletes a share group and its offsets', async () => {
    const { reference } = await compareOn(pair, {
      name: 'kafka-share-groups',
      run: async (broker) => {
        const classpath = await javaCompatClasspath();
        await run(
          'java',
          [
            '-Xmx256m',
            '-XX:+UseSerialGC',
            '-XX:TieredStopAtLevel=1',
            '-cp',
            classpath,
            'ShareClient',
            'consume',
          ].concat(['--bootstrap', broker.bootstrap, '--topic', TOPIC, '--group', GROUP, '--records', '300']),
          { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
        );
        const outputs: Record<string, [number, string, string]> = {};
        for (const args of [
          ['--list'],
          ['--describe', '--group', GROUP, '--state'],
          ['--describe', '--group', GROUP, '--members'],
          ['--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest', '--execute'],
          ['--describe', '--group', GROUP],
          ['--describe', '--group', GROUP, '--offsets', '--verbose'],
          ['--reset-offsets', '--group', GROUP, '--topic', `${TOPIC}:1`, '--to-offset', '40', '--execute'],
          ['--reset-offsets', '--group', GROUP, '--all-topics', '--to-latest', '--dry-run'],
          ['--describe', '--group', GROUP, '--offsets'],
          ['--delete-offsets', '--group', GROUP, '--topic', TOPIC],
          ['--describe', '--group', GROUP, '--offsets'],
          ['--delete-offsets', '--group', GROUP, '--topic', 'no-such-topic'],
          ['--describe', '--group', MISSING, '--offsets'],
          ['--reset-offsets', '--group', MISSING, '--topic', TOPIC, '--to-earliest', '--execute'],
          ['--delete-offsets', '--group', MISSING, '--topic', TOPIC],
          ['--describe', '--group', MISSING, '--offsets'],
          ['--delete', '--group', GROUP],
          ['--describe', '--group', GROUP, '--state'],
        ]) {
          const result = await runKafkaTool('kafka-share-groups', broker.bootstrap, args);
          outputs[`${Object.keys(outputs).length}: ${args.join(' ')}`] = [
            result.exitCode,
            normalised(result.stdout),
            normalised(result.stderr),
          ];
        }
        return outputs;
      },
    });
    assert.match(reference['0: --list'][1], new RegExp(GROUP));
    assert.match(reference[`4: --describe --group ${GROUP}`][1], new RegExp(`${GROUP} ${TOPIC} 0 0 100`));
  });
});
