// What every benchmark needs on the machine before it starts.
import { existsSync } from 'node:fs';
import { apacheKafkaLibs } from '../../test/support/apache-kafka.ts';
import { nagareCliPath } from './brokers.ts';

/** Stops early, saying what to do, when something a benchmark needs is not on the machine. */
export function checkPrerequisites(): void {
  if (!existsSync(nagareCliPath())) throw new Error(`the Nagare CLI is missing: ${nagareCliPath()}`);
  if (!apacheKafkaLibs())
    throw new Error('Apache Kafka is not fetched: run `bash scripts/ci/fetch-kafka.sh`');
}
