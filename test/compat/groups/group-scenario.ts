// The one consumer-group scenario every client runs (issue 3): three members of one group on a
// six-partition topic, records produced before they start and while they run; one member killed
// with SIGKILL, so that only the session timeout tells the coordinator; the other two must take its
// partitions within that timeout (plus a rebalance margin) and between them read every record, in
// order, twice only where the crash allows it. Then they close cleanly, their commits must survive a
// broker restart, and a new member must resume exactly from them.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { compatSkip } from '../../support/compat-target.ts';
import { createTopic } from '../../support/platformatic-io.ts';
import { type GroupBroker, groupTimings, startGroupBroker } from './group-broker.ts';
import type { GroupClient, MemberOptions } from './group-clients.ts';
import { checkGroupDelivery, describeTenures, type MemberLog } from './group-delivery.ts';
import { committedOffsets, TopicProducer } from './group-topic.ts';
import { MemberGroup, type MemberProcess } from './member-process.ts';

const PARTITIONS = 6;
const MEMBERS = 3;
/** Records per partition produced before the members start. */
const BEFORE = 40;
/** Records per partition produced after the restart, for the resumed member to read. */
const AFTER = 10;
/** Pace of the producer while the group runs: one record per partition per round. */
const ROUND_INTERVAL_MS = 50;
/**
 * Beyond the session timeout, what a takeover may take: the survivors hear of the rebalance at their
 * next heartbeat, then join and sync (classic) or reconcile (KIP-848).
 */
const REBALANCE_MARGIN_MS = 3000;
/** Bound on each wait for the group to get somewhere; a hung client fails the test, not CI. */
const STEP_TIMEOUT_MS = 40_000;
const CLOSE_TIMEOUT_MS = 30_000;

const TOPIC = 'group-scenario';
const GROUP = 'group-scenario';

/** Registers the scenario for one client. */
export function defineGroupScenario(client: GroupClient): void {
  const skip = compatSkip(client.missing());
  const title = `${client.name}: ${MEMBERS} members on ${PARTITIONS} partitions; a killed member's partitions move to the others within the session timeout, nothing is lost, commits survive a broker restart`;
  test(title, { skip, timeout: 180_000 }, async (t) => {
    const broker = await startGroupBroker();
    const group = new MemberGroup();
    const produced = Array.from({ length: PARTITIONS }, (): string[] => []);
    let producer: TopicProducer | undefined;
    try {
      await createTopic(broker.bootstrap, { name: TOPIC, partitions: PARTITIONS });
      producer = new TopicProducer(broker.bootstrap, TOPIC, produced);
      const scenario = new Scenario(t, client, broker, group);
      const committed = await scenario.crashAndTakeover(producer);
      await producer.close();
      producer = undefined;
      await scenario.resume(produced, committed);
    } finally {
      await producer?.close().catch(() => {});
      await group.destroy();
      await broker.stop();
    }
  });
}

class Scenario {
  readonly #t: TestContext;
  readonly #client: GroupClient;
  readonly #broker: GroupBroker;
  readonly #group: MemberGroup;
  readonly #started = performance.now();

  constructor(t: TestContext, client: GroupClient, broker: GroupBroker, group: MemberGroup) {
    this.#t = t;
    this.#client = client;
    this.#broker = broker;
    this.#group = group;
  }

  /** Steps 1–3: members start, one is killed, the rest take over and close. Returns the commits. */
  async crashAndTakeover(producer: TopicProducer): Promise<number[]> {
    await this.#startBalanced(producer);
    producer.startPacing(ROUND_INTERVAL_MS, () => this.#group.poke());
    const victim = await this.#killOneWhileReading();
    await this.#drain(producer);
    this.#checkDelivery(producer, victim);
    return this.#closeSurvivors(producer);
  }

  /** Records first, then the members: they must share the partitions and read all of it. */
  async #startBalanced(producer: TopicProducer): Promise<void> {
    const group = this.#group;
    await producer.round(BEFORE);
    for (let i = 0; i < MEMBERS; i++) await this.#startMember(`member-${i}`);
    await group.waitFor(
      `${MEMBERS} members owning ${PARTITIONS / MEMBERS} partitions each and every record produced so far read`,
      STEP_TIMEOUT_MS,
      () => balanced(group.running) && allDelivered(group.members, producer.produced),
    );
    this.#note('group balanced, earlier records read');
  }

  /** kill -9 of one member while records arrive; the others must own its partitions in time. */
  async #killOneWhileReading(): Promise<MemberProcess> {
    const group = this.#group;
    // Half a second of records read (a few auto-commit intervals) gives the victim commits to lose.
    const readWhileRunning = BEFORE + Math.ceil(500 / ROUND_INTERVAL_MS);
    await group.waitFor(
      'records produced while the group runs read on every partition',
      STEP_TIMEOUT_MS,
      () => deliveredOffsets(group.members).every((offsets) => offsets.has(readWhileRunning)),
    );
    const victim = group.running[1];
    const victimPartitions = [...victim.assignment].sort((a, b) => a - b);
    const killedAt = performance.now();
    await victim.kill();
    const survivors = group.running;
    await group.waitFor(
      `the survivors owning partitions [${victimPartitions}] of ${victim.name}`,
      groupTimings.sessionTimeoutMs + REBALANCE_MARGIN_MS - (performance.now() - killedAt),
      () => owned(survivors).size === PARTITIONS,
    );
    this.#note(
      `takeover of [${victimPartitions}] ${Math.round(performance.now() - killedAt)} ms after kill -9 (session timeout ${groupTimings.sessionTimeoutMs} ms)`,
    );
    return victim;
  }

  /** The survivors catch up while records keep coming, then read to the end once they stop. */
  async #drain(producer: TopicProducer): Promise<void> {
    const group = this.#group;
    await group.waitFor('the survivors catching up with the producer', STEP_TIMEOUT_MS, () =>
      allDelivered(group.members, producer.produced),
    );
    await producer.stopPacing();
    await group.waitFor('every produced record read', STEP_TIMEOUT_MS, () =>
      allDelivered(group.members, producer.produced),
    );
  }

  #checkDelivery(producer: TopicProducer, victim: MemberProcess): void {
    const members = this.#group.members;
    const logs = members.map((member) => member.log);
    const report = withTenures(logs, this.#rewinds, () =>
      checkGroupDelivery({
        produced: producer.produced,
        logs,
        crashed: new Set(this.#mayRedeliver(members, [victim])),
        rewinds: this.#rewinds,
      }),
    );
    const records = producer.ends().reduce((a, b) => a + b);
    this.#note(`${report.delivered} deliveries of ${records} records, ${report.duplicates} duplicates`);
    for (const line of describeTenures(logs, this.#rewinds)) this.#note(line);
  }

  /** A clean close commits what each survivor read: the commits must cover every record. */
  async #closeSurvivors(producer: TopicProducer): Promise<number[]> {
    await Promise.all(this.#group.running.map((member) => member.stop(CLOSE_TIMEOUT_MS)));
    const committed = await committedOffsets(this.#broker.bootstrap, GROUP, TOPIC, PARTITIONS);
    assert.deepEqual(committed, producer.ends(), 'committed offsets after the survivors closed cleanly');
    this.#note('survivors closed; their commits cover every record');
    return committed;
  }

  /** Step 4: the commits survive a broker restart and a new member starts from them. */
  async resume(produced: string[][], committed: number[]): Promise<void> {
    const broker = this.#broker;
    if (broker.restart) {
      await broker.restart();
      const restored = await committedOffsets(broker.bootstrap, GROUP, TOPIC, PARTITIONS);
      assert.deepEqual(restored, committed, 'committed offsets after the broker restarted');
      this.#note('broker restarted on the same data; commits restored');
    } else {
      this.#note(`no restart: the ${broker.target.name} harness cannot restart a broker on its data`);
    }
    const producer = new TopicProducer(broker.bootstrap, TOPIC, produced);
    try {
      await producer.round(AFTER);
      const member = await this.#startMember('member-resumed');
      await this.#group.waitFor('the new member reading the records after the commits', STEP_TIMEOUT_MS, () =>
        allDelivered([member], producer.produced, committed),
      );
      const report = withTenures([member.log], this.#rewinds, () =>
        checkGroupDelivery({
          produced: producer.produced,
          logs: [member.log],
          crashed: new Set(this.#mayRedeliver([member], [])),
          rewinds: this.#rewinds,
          from: committed,
        }),
      );
      assert.deepEqual(report.firstOffsets, committed, 'first offset the new member read, per partition');
      await member.stop(CLOSE_TIMEOUT_MS);
      this.#note('new member resumed from the commits');
    } finally {
      await producer.close();
    }
  }

  /** Whether members may re-read records without a crash (see GroupClient.redeliversAfterRebalance). */
  get #rewinds(): boolean {
    return this.#client.redeliversAfterRebalance !== undefined;
  }

  /** The members whose reads may come again: the crashed ones, or all of them for such clients. */
  #mayRedeliver(members: readonly MemberProcess[], crashed: readonly MemberProcess[]): string[] {
    return (this.#rewinds ? members : crashed).map((member) => member.name);
  }

  async #startMember(name: string): Promise<MemberProcess> {
    const options: MemberOptions = {
      bootstrap: this.#broker.bootstrap,
      group: GROUP,
      topic: TOPIC,
      clientId: name,
      ...groupTimings,
    };
    return this.#group.start(name, await this.#client.command(options));
  }

  #note(message: string): void {
    this.#t.diagnostic(`${((performance.now() - this.#started) / 1000).toFixed(1)} s: ${message}`);
  }
}

/** Partitions the members own between them. */
function owned(members: readonly MemberProcess[]): Set<number> {
  return new Set(members.flatMap((member) => [...member.assignment]));
}

/** Every member owns its share and together they own every partition, once. */
function balanced(members: readonly MemberProcess[]): boolean {
  return (
    members.length === MEMBERS &&
    members.every((member) => member.assignment.size === PARTITIONS / MEMBERS) &&
    owned(members).size === PARTITIONS
  );
}

/** Per partition, the offsets any of the members has read. */
function deliveredOffsets(members: readonly MemberProcess[]): Array<Set<number>> {
  const offsets = Array.from({ length: PARTITIONS }, () => new Set<number>());
  for (const member of members) {
    for (const { event } of member.events) {
      if (event.kind === 'record') offsets[event.partition]?.add(event.offset);
    }
  }
  return offsets;
}

/** Whether every produced offset (from `from`, per partition) has been read by one of the members. */
function allDelivered(
  members: readonly MemberProcess[],
  produced: readonly (readonly string[])[],
  from: readonly number[] = [],
): boolean {
  const delivered = deliveredOffsets(members);
  return produced.every((records, partition) => {
    for (let offset = from[partition] ?? 0; offset < records.length; offset++) {
      if (!delivered[partition].has(offset)) return false;
    }
    return true;
  });
}

/** Runs a delivery check; a failure also says who read what, partition by partition. */
function withTenures<T>(logs: readonly MemberLog[], rewinds: boolean, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${describeTenures(logs, rewinds).join('\n')}`, {
      cause: error,
    });
  }
}
