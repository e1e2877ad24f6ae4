// Entry point of a broker in a child process, for tests that must kill it (SIGKILL) or read its logs:
// `node test/support/broker-main.ts key=value …` starts a broker from those Kafka-style properties,
// logs pino JSON to stdout and prints `READY host:port` there once it serves. Both are written
// synchronously to the one stream, so nothing logged before a kill is lost and every line logged while
// starting (recovery warnings included) comes before READY. SIGTERM stops it cleanly.
import pino from 'pino';
import { startBroker } from '../../src/broker/broker.ts';

function parseProps(args: string[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new Error(`expected key=value, got ${JSON.stringify(arg)}`);
    props[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return props;
}

const logger = pino(
  { level: process.env.NAGARE_TEST_LOG ?? 'info' },
  pino.destination({ fd: 1, sync: true }),
);
const running = await startBroker(parseProps(process.argv.slice(2)), logger);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'clean stop failed');
      process.exit(1);
    },
  );
});
// The handler is in place before READY, so a test may stop the broker the moment it reads that line.
process.stdout.write(`READY ${running.bootstrap}\n`);
