// Child process of producer-crash.test.ts: opens a partition log in argv[2], writes transactions to it
// (a committed one, an aborted one, one left open, spread over several segments), prints `WRITTEN` and
// waits to be killed with SIGKILL, leaving the log as a crashed broker would.
import pino from 'pino';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { dataBatch, markerBatch } from './txn-log-batches.ts';

const log = await PartitionLog.open(process.argv[2], { segmentBytes: 300 }, pino({ level: 'silent' }));
for (let i = 0; i < 10; i++) await log.append(dataBatch(100n, i, [`plain-${i}`], false)); // 0-9
await log.append(dataBatch(1n, 0, ['aborted'])); // 10
await log.append(dataBatch(2n, 0, ['committed'])); // 11
await log.append(markerBatch(1n, false)); // 12
await log.append(markerBatch(2n, true)); // 13
await log.append(dataBatch(3n, 0, ['open'])); // 14
for (let i = 10; i < 14; i++) await log.append(dataBatch(100n, i, [`plain-${i}`], false)); // 15-18
process.stdout.write(`WRITTEN ${log.segmentCount}\n`);
setInterval(() => {}, 60_000);
