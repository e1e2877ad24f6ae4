// Kafka's Java client in a JVM of its own: test/compat/java/TxnClient.java, which runs one transaction
// scenario against a broker and prints what it observed as one JSON line.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { javaCompatClasspath } from '../groups/group-clients.ts';

const run = promisify(execFile);
const jvmArgs = ['-Xmx192m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** What a scenario prints (each prints some of these). */
export interface TxnResult {
  readCommitted: string[];
  readUncommitted: string[];
  fencedBy: string[];
  outputCommitted: string[];
  outputAll: string[];
  abortedRecords: number;
  committedOffsets: Record<string, number>;
  inputEnd: Record<string, number>;
  left: string;
}

/** Runs one scenario of TxnClient (its options as --name value) and returns what it printed last. */
export async function txnClient(
  scenario: string,
  options: Record<string, string | number>,
): Promise<TxnResult> {
  const args = [...jvmArgs, '-cp', await javaCompatClasspath(), 'TxnClient', scenario];
  for (const [name, value] of Object.entries(options)) args.push(`--${name}`, String(value));
  try {
    const { stdout } = await run('java', args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as TxnResult;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`TxnClient ${scenario} failed:\n${`${stdout}${stderr}`.slice(-4000)}`);
  }
}
