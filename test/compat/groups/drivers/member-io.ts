// Shared by the Node group-member drivers of test/compat/groups (kafkajs, @platformatic/kafka): the
// command line every driver takes and the JSON lines it reports on stdout (the same as member_io.py):
// {"event":"assignment","partitions":[...]} whenever the member (re)joins with its whole assignment,
// {"event":"record","partition":P,"offset":O,"value":V} per record, {"event":"closed"} once closed.
// SIGTERM asks for a clean close (commit, leave the group); SIGKILL is the crash the tests want.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface MemberArgs {
  bootstrap: string;
  group: string;
  topic: string;
  clientId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  autoCommitIntervalMs: number;
}

export function parseMemberArgs(): MemberArgs {
  const { values } = parseArgs({
    options: {
      bootstrap: { type: 'string' },
      group: { type: 'string' },
      topic: { type: 'string' },
      'client-id': { type: 'string' },
      'session-timeout-ms': { type: 'string' },
      'heartbeat-interval-ms': { type: 'string' },
      'auto-commit-interval-ms': { type: 'string' },
    },
  });
  const required = (name: keyof typeof values): string => {
    const value = values[name];
    if (value === undefined) throw new Error(`missing --${name}`);
    return value;
  };
  return {
    bootstrap: required('bootstrap'),
    group: required('group'),
    topic: required('topic'),
    clientId: required('client-id'),
    sessionTimeoutMs: Number(required('session-timeout-ms')),
    heartbeatIntervalMs: Number(required('heartbeat-interval-ms')),
    autoCommitIntervalMs: Number(required('auto-commit-interval-ms')),
  };
}

/** Written synchronously: a line reported before a SIGKILL must reach the test. */
export function emit(event: string, fields: Record<string, unknown> = {}): void {
  writeSync(1, `${JSON.stringify({ event, ...fields })}\n`);
}

export function emitRecord(partition: number, offset: bigint | string | number, value: Buffer | null): void {
  emit('record', {
    partition,
    offset: Number(offset),
    value: value === null ? null : value.toString('utf8'),
  });
}

/** Runs `close` once on SIGTERM, reports `closed` and exits. */
export function closeOnSigterm(close: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    close().then(
      () => {
        emit('closed');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`close failed: ${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  });
}
