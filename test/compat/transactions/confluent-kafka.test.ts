import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compatSkip, compatTarget } from '../../support/compat-target.ts';
import { pythonModulesMissing, systemPython } from '../../support/external-tools.ts';
import { uniqueName, useTxnBroker } from './txn-broker.ts';

// confluent-kafka (librdkafka) runs transactions against the target through confluent_txn.py: a
// transactional producer commits and aborts, and read_committed consumers see only what committed.

const run = promisify(execFile);
const script = fileURLToPath(new URL('confluent_txn.py', import.meta.url));
const skip = compatSkip(pythonModulesMissing(['confluent_kafka']));

/** "partition:prefix-i" for i in [from, to) of one partition (record i goes to partition i % 2). */
function values(partition: number, prefix: string, from: number, to: number): string[] {
  const all: string[] = [];
  for (let i = from; i < to; i++) if (i % 2 === partition) all.push(`${partition}:${prefix}-${i}`);
  return all;
}

describe(`confluent-kafka transactions against ${compatTarget().name}`, { skip }, () => {
  const fixture = useTxnBroker(skip);

  it('commits and aborts: read_committed sees exactly the committed records, read_uncommitted all', async () => {
    let stdout: string;
    try {
      ({ stdout } = await run(systemPython, [script, fixture.broker.bootstrap, uniqueName('confluent-txn')], {
        timeout: 120_000,
      }));
    } catch (error) {
      const { stdout: out = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`confluent_txn.py failed:\n${`${out}${stderr}`.slice(-4000)}`);
    }
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      readCommitted: string[];
      readUncommitted: string[];
    };
    assert.deepEqual(
      result.readCommitted,
      [0, 1].flatMap((p) => [...values(p, 'committed', 0, 5), ...values(p, 'committed', 5, 10)]),
    );
    assert.deepEqual(
      result.readUncommitted,
      [0, 1].flatMap((p) => [
        ...values(p, 'committed', 0, 5),
        ...values(p, 'aborted', 0, 5),
        ...values(p, 'committed', 5, 10),
      ]),
    );
  });
});
