import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeDifferential } from '../../support/differential-suite.ts';
import { runKafkaTool } from '../../support/kafka-tools.ts';
import { compareOn, type RunningBroker } from '../../support/targets.ts';
import { txnBrokerOverrides } from './txn-broker.ts';
import { txnClient } from './txn-client.ts';

// kafka-transactions.sh (list, describe) against Apache Kafka and the broker under test, after the Java
// client has committed one transaction and left another open: what the tool prints must agree once the
// values each broker chooses (producer ids, times) are replaced by placeholders.

const TOPIC = 'kt-topic';
/** Long enough for the open transaction to stay open while the tool runs. */
const OPEN_TIMEOUT_MS = 120_000;

/** The tool's table as one record per row, keyed by column header, with broker-chosen values masked. */
function table(stdout: string): Record<string, string>[] {
  const [header, ...rows] = stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t').map((cell) => cell.trim()));
  const masked = new Set(['ProducerId', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs']);
  return rows
    .map((row) =>
      Object.fromEntries(header.map((name, i) => [name, masked.has(name) ? `<${name}>` : (row[i] ?? '')])),
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function leaveTransactionOpen(broker: RunningBroker): Promise<void> {
  await txnClient('open-txn', { bootstrap: broker.bootstrap, topic: TOPIC, 'timeout-ms': OPEN_TIMEOUT_MS });
}

describeDifferential('kafka-transactions', { overrides: txnBrokerOverrides }, (pair) => {
  it('lists and describes a committed and an open transaction', async () => {
    const { reference } = await compareOn(pair, {
      name: 'kafka-transactions list and describe',
      async run(broker) {
        await leaveTransactionOpen(broker);
        const tool = async (...args: string[]) => {
          const result = await runKafkaTool('kafka-transactions', broker.bootstrap, args);
          return { exitCode: result.exitCode, rows: table(result.stdout), stderr: result.stderr.trim() };
        };
        return {
          list: await tool('list'),
          open: await tool('describe', '--transactional-id', `stuck-${TOPIC}`),
          committed: await tool('describe', '--transactional-id', `before-${TOPIC}`),
          unknown: await tool('describe', '--transactional-id', 'no-such-transaction'),
        };
      },
    });
    assert.deepEqual(
      reference.list.rows.map((row) => [row.TransactionalId, row.TransactionState]),
      [
        [`before-${TOPIC}`, 'CompleteCommit'],
        [`stuck-${TOPIC}`, 'Ongoing'],
      ],
    );
    assert.equal(reference.open.rows[0].TopicPartitions, `${TOPIC}-0`);
    assert.notEqual(reference.unknown.exitCode, 0);
  });
});
