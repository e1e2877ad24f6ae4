import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compatSkip, compatTarget } from '../../support/compat-target.ts';
import { apacheKafkaMissing } from '../../support/external-tools.ts';
import { uniqueName, useTxnBroker } from './txn-broker.ts';
import { txnClient } from './txn-client.ts';

// Kafka's own Java client (test/compat/java/TxnClient.java) runs transactions against the target:
// commit and abort seen through both isolation levels, exactly-once consume-transform-produce with
// the offsets sent to the transaction, fencing by a second producer of the same transactional.id,
// and a transaction left open by a killed producer aborted after its timeout.

const skip = compatSkip(apacheKafkaMissing());

/** "partition:prefix-i" for i in [from, to), on partition i % partitions. */
function values(prefix: string, from: number, to: number, partitions = 2): string[] {
  const all: string[] = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = from; i < to; i++) if (i % partitions === p) all.push(`${p}:${prefix}-${i}`);
  }
  return all;
}

describe(`Java client transactions against ${compatTarget().name}`, { skip }, () => {
  const fixture = useTxnBroker(skip);

  it('commits and aborts: read_committed sees exactly the committed records, read_uncommitted all', async () => {
    const result = await txnClient('commit-abort', {
      bootstrap: fixture.broker.bootstrap,
      topic: uniqueName('txn-commit-abort'),
    });
    assert.deepEqual(result.readCommitted, values('committed', 0, 10));
    // Per partition in offset order: the first commit, the aborted records, the second commit.
    const uncommitted = [0, 1].flatMap((p) =>
      [...values('committed', 0, 5), ...values('aborted', 0, 5), ...values('committed', 5, 10)].filter((v) =>
        v.startsWith(`${p}:`),
      ),
    );
    assert.deepEqual(result.readUncommitted, uncommitted);
  });

  it('consume-transform-produce with sendOffsetsToTransaction delivers each input record exactly once', async () => {
    const records = 60;
    const name = uniqueName('txn-eos');
    const result = await txnClient('eos', {
      bootstrap: fixture.broker.bootstrap,
      input: `${name}-in`,
      output: `${name}-out`,
      group: `${name}-group`,
      records,
    });
    assert.ok(result.abortedRecords > 0, 'one transaction was aborted');
    const expected = values('out-in', 0, records).sort();
    assert.deepEqual([...result.outputCommitted].sort(), expected);
    // The aborted transaction's output is in the log, but only read_uncommitted shows it.
    assert.equal(result.outputAll.length, records + result.abortedRecords);
    // The group's offsets were committed with the transactions: up to the end of the input.
    assert.deepEqual(result.committedOffsets, result.inputEnd);
  });

  it('fences a producer when a second one with the same transactional.id starts', async () => {
    const result = await txnClient('fence', {
      bootstrap: fixture.broker.bootstrap,
      topic: uniqueName('txn-fence'),
    });
    assert.ok(
      result.fencedBy.includes('org.apache.kafka.common.errors.ProducerFencedException'),
      `the first producer was told: ${result.fencedBy.join(' <- ') || 'nothing'}`,
    );
    // Its open transaction was aborted by the second producer's initTransactions.
    assert.deepEqual(result.readCommitted, ['0:second-0']);
    assert.deepEqual(result.readUncommitted, ['0:first-0', '0:second-0']);
  });

  it('aborts a transaction left open by a killed producer after transaction.timeout.ms', async () => {
    const topic = uniqueName('txn-timeout');
    const { bootstrap } = fixture.broker;
    const left = await txnClient('open-txn', { bootstrap, topic, 'timeout-ms': 2000 });
    assert.equal(left.left, 'open');
    const result = await txnClient('after-timeout', { bootstrap, topic });
    assert.deepEqual(result.readCommitted, [...values('before', 0, 3, 1), ...values('after', 0, 3, 1)]);
  });
});
