// The broker the transaction compat tests run against: the compat target (Nagare, or Apache Kafka
// with NAGARE_TEST_SUBJECT=apache-kafka) with the same overrides on both, so that a transaction left
// open is aborted within a second or two of its timeout rather than Kafka's default 10 s check.
import { after, before } from 'node:test';
import { compatTarget, type RunningBroker } from '../../support/compat-target.ts';

export const txnBrokerOverrides: Record<string, string> = {
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '500',
  'group.initial.rebalance.delay.ms': '0',
};

/** Starts the target before the file's tests (unless `skip`) and stops it after them. */
export function useTxnBroker(skip: string | undefined): { readonly broker: RunningBroker } {
  let broker: RunningBroker | undefined;
  before(async () => {
    if (!skip) broker = await compatTarget().start({ overrides: txnBrokerOverrides });
  });
  after(async () => {
    await broker?.stop();
  });
  return {
    get broker() {
      if (!broker) throw new Error('no broker: it starts in the before hook, unless skipped');
      return broker;
    },
  };
}

let unique = 0;
/** A name no other test of this process uses (topics, groups, transactional ids derive from it). */
export function uniqueName(prefix: string): string {
  unique++;
  return `${prefix}-${process.pid}-${unique}`;
}
