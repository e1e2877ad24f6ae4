import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ClassicGroup } from '../../../src/broker/groups/classic-group.ts';
import type { JoinResult, SyncResult } from '../../../src/broker/groups/classic-member.ts';
import {
  ClassicRebalance,
  type ClassicSettings,
  type JoinRequest,
  type SyncRequest,
} from '../../../src/broker/groups/classic-rebalance.ts';
import type { StoredGroupMetadata } from '../../../src/broker/groups/coordinator-records.ts';
import { ERRORS } from '../../../src/protocol/errors.ts';
import { consumerSubscription } from '../../support/group-requests.ts';
import { ManualTimers } from './manual-timers.ts';

const INITIAL_DELAY = 3000;
/** A first rebalance of several members: each arrival during the initial delay extends it once more. */
const FIRST_REBALANCE = 2 * INITIAL_DELAY;
const SESSION = 10_000;
const REBALANCE = 30_000;

interface Harness {
  timers: ManualTimers;
  rebalance: ClassicRebalance;
  group: ClassicGroup;
  stored: StoredGroupMetadata[];
  /** When set, the next store fails. */
  failNextStore: boolean;
}

function harness(settings: Partial<ClassicSettings> = {}): Harness {
  const timers = new ManualTimers();
  let ids = 0;
  const h: Harness = {
    timers,
    group: new ClassicGroup('g', timers.now),
    stored: [],
    failNextStore: false,
    rebalance: undefined as unknown as ClassicRebalance,
  };
  h.rebalance = new ClassicRebalance({
    settings: {
      minSessionTimeoutMs: 1000,
      maxSessionTimeoutMs: 60_000,
      initialRebalanceDelayMs: INITIAL_DELAY,
      maxSize: 10,
      ...settings,
    },
    timers,
    clock: timers.clock,
    logger: pino({ level: 'silent' }),
    async store(group, assignment) {
      const snapshot = group.toStored(assignment);
      if (h.failNextStore) {
        h.failNextStore = false;
        throw new Error('disk full');
      }
      h.stored.push(snapshot);
    },
    newMemberId: (prefix) => `${prefix}-${++ids}`,
  });
  return h;
}

function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: consumerSubscription(['t']) }],
    requireKnownMemberId: true,
    supportsSkipAssignment: true,
    reason: null,
    ...overrides,
  };
}

/** The promise's value if it settled by now (after pending callbacks ran), else 'pending'. */
function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

/**
 * A new member's two JoinGroups (KIP-394): the first gets an id, the second waits for the join phase
 * (returned wrapped, so that awaiting the id does not wait for the join phase too).
 */
async function joinNew(
  h: Harness,
  overrides: Partial<JoinRequest> = {},
): Promise<{ joined: Promise<JoinResult> }> {
  const first = await h.rebalance.join(h.group, joinRequest(overrides));
  assert.equal(first.errorCode, ERRORS.MEMBER_ID_REQUIRED.code);
  assert.notEqual(first.memberId, '');
  return { joined: h.rebalance.join(h.group, joinRequest({ ...overrides, memberId: first.memberId })) };
}

function syncRequest(result: JoinResult, assignments: SyncRequest['assignments'] = []): SyncRequest {
  return {
    memberId: result.memberId,
    groupInstanceId: null,
    generationId: result.generationId,
    protocolType: 'consumer',
    protocolName: result.protocolName,
    assignments,
  };
}

/** Two members through their first join phase: their JoinGroup answers, the leader's and the other's. */
async function joinedGroupOfTwo(h: Harness): Promise<{ leader: JoinResult; follower: JoinResult }> {
  const a = (await joinNew(h, { clientId: 'a' })).joined;
  const b = (await joinNew(h, { clientId: 'b' })).joined;
  h.timers.advance(FIRST_REBALANCE);
  const [ra, rb] = await Promise.all([a, b]);
  const leader = ra.leader === ra.memberId ? ra : rb;
  return { leader, follower: leader === ra ? rb : ra };
}

/** Two members through their first rebalance and sync: a Stable group of generation 1. */
async function stableGroupOfTwo(h: Harness): Promise<{ leader: JoinResult; follower: JoinResult }> {
  const { leader, follower } = await joinedGroupOfTwo(h);
  const followerSync = h.rebalance.sync(h.group, syncRequest(follower));
  const leaderSync = await h.rebalance.sync(
    h.group,
    syncRequest(leader, [
      { memberId: leader.memberId, assignment: Buffer.from('L') },
      { memberId: follower.memberId, assignment: Buffer.from('F') },
    ]),
  );
  assert.equal(leaderSync.errorCode, 0);
  assert.equal((await followerSync).assignment.toString(), 'F');
  assert.equal(h.group.state, 'Stable');
  return { leader, follower };
}

describe('classic group rebalance', () => {
  it('asks a new member for its id, then completes the first join phase after the initial delay', async () => {
    const h = harness();
    const joining = (await joinNew(h)).joined;
    assert.equal(h.group.state, 'PreparingRebalance');
    h.timers.advance(INITIAL_DELAY - 1);
    assert.equal(await peek(joining), 'pending');
    h.timers.advance(1);
    const joined = await joining;
    assert.equal(joined.errorCode, 0);
    assert.equal(joined.generationId, 1);
    assert.equal(joined.protocolName, 'range');
    assert.equal(joined.leader, joined.memberId);
    assert.deepEqual(
      joined.members.map((m) => m.memberId),
      [joined.memberId],
    );
    assert.equal(h.group.state, 'CompletingRebalance');
  });

  it('waits longer when members keep arriving during the initial delay, up to the rebalance timeout', async () => {
    const h = harness();
    const a = (await joinNew(h, { clientId: 'a' })).joined;
    h.timers.advance(INITIAL_DELAY - 100);
    const b = (await joinNew(h, { clientId: 'b' })).joined;
    h.timers.advance(100);
    assert.equal(await peek(a), 'pending', 'a new member extends the delay');
    h.timers.advance(INITIAL_DELAY);
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal(ra.generationId, 1);
    assert.equal(rb.generationId, 1);
    const leader = [ra, rb].find((r) => r.memberId === r.leader)!;
    const follower = [ra, rb].find((r) => r !== leader)!;
    assert.equal(leader.members.length, 2, 'the leader gets every member to assign');
    assert.deepEqual(follower.members, []);
  });

  it('hands the leader assignment to every member once stored, and becomes Stable', async () => {
    const h = harness();
    const { leader, follower } = await stableGroupOfTwo(h);
    const last = h.stored.at(-1)!;
    assert.equal(last.generation, 1);
    assert.deepEqual(Object.fromEntries(last.members.map((m) => [m.memberId, m.assignment.toString()])), {
      [leader.memberId]: 'L',
      [follower.memberId]: 'F',
    });
    const again = await h.rebalance.sync(h.group, syncRequest(follower));
    assert.equal(again.assignment.toString(), 'F', 'a SyncGroup in Stable returns the current assignment');
  });

  it('answers SyncGroup errors: unknown member, stale generation, inconsistent protocol', async () => {
    const h = harness();
    const { follower } = await stableGroupOfTwo(h);
    const code = async (request: SyncRequest) => (await h.rebalance.sync(h.group, request)).errorCode;
    assert.equal(await code({ ...syncRequest(follower), memberId: 'nobody' }), ERRORS.UNKNOWN_MEMBER_ID.code);
    assert.equal(await code({ ...syncRequest(follower), generationId: 7 }), ERRORS.ILLEGAL_GENERATION.code);
    assert.equal(
      await code({ ...syncRequest(follower), protocolName: 'roundrobin' }),
      ERRORS.INCONSISTENT_GROUP_PROTOCOL.code,
    );
  });

  it('removes a member whose session expires; the others rebalance into the next generation', async () => {
    const h = harness();
    const { leader, follower } = await stableGroupOfTwo(h);
    const beat = (r: JoinResult) =>
      h.rebalance.heartbeat(h.group, {
        memberId: r.memberId,
        groupInstanceId: null,
        generationId: r.generationId,
      });
    h.timers.advance(SESSION - 1);
    assert.equal(beat(leader), undefined);
    h.timers.advance(1);
    assert.equal(h.group.hasMember(follower.memberId), false);
    assert.equal(h.group.state, 'PreparingRebalance');
    assert.equal(beat(leader), 'REBALANCE_IN_PROGRESS');
    assert.equal(beat(follower), 'UNKNOWN_MEMBER_ID');
    const rejoined = await h.rebalance.join(h.group, joinRequest({ memberId: leader.memberId }));
    assert.equal(rejoined.generationId, 2, 'all remaining members rejoined: no wait');
    assert.equal(beat({ ...rejoined, generationId: 1 }), 'ILLEGAL_GENERATION');
  });

  it('ends a join phase at the rebalance timeout without the members that did not rejoin', async () => {
    const h = harness();
    const { leader, follower } = await stableGroupOfTwo(h);
    // The follower rejoins with new metadata (a new subscription): the group rebalances.
    const protocols = [{ name: 'range', metadata: consumerSubscription(['t', 'u']) }];
    const rejoin = h.rebalance.join(h.group, joinRequest({ memberId: follower.memberId, protocols }));
    assert.equal(h.group.state, 'PreparingRebalance');
    // The leader is slow (a long poll): its heartbeats keep it alive, but it does not rejoin in time.
    for (let t = 0; t < REBALANCE; t += SESSION / 2) {
      h.timers.advance(SESSION / 2);
      h.rebalance.heartbeat(h.group, { memberId: leader.memberId, groupInstanceId: null, generationId: 1 });
    }
    const result = await rejoin;
    assert.equal(result.generationId, 2);
    assert.equal(result.leader, follower.memberId, 'leadership passes to a member that rejoined');
    assert.equal(h.group.hasMember(leader.memberId), false);
  });

  it('lets a member leave; the group rebalances without it', async () => {
    const h = harness();
    const { leader, follower } = await stableGroupOfTwo(h);
    const results = h.rebalance.leave(h.group, [
      { memberId: follower.memberId, groupInstanceId: null, reason: 'closing' },
      { memberId: 'nobody', groupInstanceId: null, reason: null },
    ]);
    assert.deepEqual(
      results.map((r) => r.errorCode),
      [0, ERRORS.UNKNOWN_MEMBER_ID.code],
    );
    assert.equal(h.group.state, 'PreparingRebalance');
    const rejoined = await h.rebalance.join(h.group, joinRequest({ memberId: leader.memberId }));
    assert.equal(rejoined.generationId, 2);
    assert.equal(h.group.members.size, 1);
  });

  it('becomes Empty when the last member leaves, and stores that', async () => {
    const h = harness();
    const joined = await (async () => {
      const joining = (await joinNew(h)).joined;
      h.timers.advance(INITIAL_DELAY);
      return joining;
    })();
    h.rebalance.leave(h.group, [{ memberId: joined.memberId, groupInstanceId: null, reason: null }]);
    assert.equal(h.group.state, 'Empty');
    assert.equal(h.group.generationId, 2);
    await peek(Promise.resolve());
    assert.deepEqual(h.stored.at(-1)?.members, []);
  });

  it('gives an unchanged follower its generation back without a rebalance; a leader rejoin rebalances', async () => {
    const h = harness();
    const { leader, follower } = await stableGroupOfTwo(h);
    const same = await h.rebalance.join(h.group, joinRequest({ memberId: follower.memberId }));
    assert.equal(same.generationId, 1);
    assert.equal(h.group.state, 'Stable');
    // cooperative-sticky's second rebalance starts with the leader rejoining: the broker just rebalances.
    const leaderRejoin = h.rebalance.join(h.group, joinRequest({ memberId: leader.memberId }));
    assert.equal(h.group.state, 'PreparingRebalance');
    const followerRejoin = h.rebalance.join(h.group, joinRequest({ memberId: follower.memberId }));
    const [l, f] = await Promise.all([leaderRejoin, followerRejoin]);
    assert.equal(l.generationId, 2);
    assert.equal(f.generationId, 2);
  });

  it('chooses the protocol most members prefer among those all support', async () => {
    const h = harness();
    const both = (first: string, second: string) => [
      { name: first, metadata: Buffer.from(first) },
      { name: second, metadata: Buffer.from(second) },
    ];
    const a = (await joinNew(h, { protocols: both('roundrobin', 'range') })).joined;
    const b = (await joinNew(h, { protocols: both('range', 'roundrobin') })).joined;
    const c = (await joinNew(h, { protocols: both('range', 'roundrobin') })).joined;
    const refused = await h.rebalance.join(
      h.group,
      joinRequest({ protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }),
    );
    assert.equal(refused.errorCode, ERRORS.INCONSISTENT_GROUP_PROTOCOL.code);
    h.timers.advance(FIRST_REBALANCE);
    const results = await Promise.all([a, b, c]);
    assert.deepEqual(
      results.map((r) => r.protocolName),
      ['range', 'range', 'range'],
    );
    const leader = results.find((r) => r.leader === r.memberId)!;
    assert.deepEqual(
      leader.members.map((m) => m.metadata.toString()),
      ['range', 'range', 'range'],
      'the leader sees each member metadata for the chosen protocol',
    );
  });

  it('refuses members beyond group.max.size', async () => {
    const h = harness({ maxSize: 2 });
    await joinNew(h);
    await joinNew(h);
    const third = await h.rebalance.join(h.group, joinRequest({ memberId: '', requireKnownMemberId: false }));
    assert.equal(third.errorCode, ERRORS.GROUP_MAX_SIZE_REACHED.code);
  });

  it('forgets a member id handed out by MEMBER_ID_REQUIRED that never comes back', async () => {
    const h = harness();
    const a = (await joinNew(h)).joined;
    const lost = await h.rebalance.join(h.group, joinRequest());
    assert.equal(lost.errorCode, ERRORS.MEMBER_ID_REQUIRED.code);
    h.timers.advance(SESSION);
    assert.equal(h.group.isPendingMember(lost.memberId), false);
    const joined = await a;
    assert.equal(joined.members.length, 1);
  });

  it('removes members that never send SyncGroup, then rebalances', async () => {
    const h = harness();
    const { leader, follower } = await joinedGroupOfTwo(h);
    await h.rebalance.sync(h.group, syncRequest(leader, []));
    assert.equal(h.group.state, 'Stable');
    // Both keep heartbeating, but the follower never syncs.
    for (let t = 0; t < REBALANCE; t += SESSION / 2) {
      h.timers.advance(SESSION / 2);
      for (const member of [leader, follower]) {
        h.rebalance.heartbeat(h.group, { memberId: member.memberId, groupInstanceId: null, generationId: 1 });
      }
    }
    assert.equal(h.group.hasMember(follower.memberId), false);
    assert.equal(h.group.hasMember(leader.memberId), true);
    assert.equal(h.group.state, 'PreparingRebalance');
  });

  it('answers waiting members and rebalances when the assignment cannot be stored', async () => {
    const h = harness();
    const { leader, follower } = await joinedGroupOfTwo(h);
    const followerSync = h.rebalance.sync(h.group, syncRequest(follower));
    h.failNextStore = true;
    const leaderSync: SyncResult = await h.rebalance.sync(h.group, syncRequest(leader, []));
    assert.equal(leaderSync.errorCode, ERRORS.COORDINATOR_NOT_AVAILABLE.code);
    assert.equal((await followerSync).errorCode, ERRORS.COORDINATOR_NOT_AVAILABLE.code);
    assert.equal(h.group.state, 'PreparingRebalance');
  });

  describe('static membership (KIP-345)', () => {
    async function stableStaticMember(h: Harness): Promise<JoinResult> {
      const joining = h.rebalance.join(h.group, joinRequest({ groupInstanceId: 'i1' }));
      h.timers.advance(INITIAL_DELAY);
      const joined = await joining;
      assert.equal(joined.errorCode, 0, 'a static member needs no member id round trip');
      await h.rebalance.sync(h.group, {
        ...syncRequest(joined, [{ memberId: joined.memberId, assignment: Buffer.from('A') }]),
        groupInstanceId: 'i1',
      });
      return joined;
    }

    it('replaces a restarted static member without a rebalance and fences the old member id', async () => {
      const h = harness();
      const old = await stableStaticMember(h);
      const restarted = await h.rebalance.join(h.group, joinRequest({ groupInstanceId: 'i1' }));
      assert.equal(restarted.errorCode, 0);
      assert.equal(restarted.generationId, 1);
      assert.notEqual(restarted.memberId, old.memberId);
      assert.equal(restarted.skipAssignment, true, 'the leader keeps the assignment (JoinGroup v9)');
      assert.equal(h.group.state, 'Stable');
      assert.equal(
        h.rebalance.heartbeat(h.group, { memberId: old.memberId, groupInstanceId: 'i1', generationId: 1 }),
        'FENCED_INSTANCE_ID',
      );
      const sync = await h.rebalance.sync(h.group, { ...syncRequest(restarted), groupInstanceId: 'i1' });
      assert.equal(sync.assignment.toString(), 'A', 'the new member id takes over the assignment');
      assert.equal(h.stored.at(-1)?.members[0].memberId, restarted.memberId, 'the replacement is stored');
    });

    it('keeps a static member that does not rejoin a rebalance until its session expires', async () => {
      const h = harness();
      const stat = await stableStaticMember(h);
      const dynamic = (await joinNew(h, { clientId: 'd' })).joined;
      assert.equal(h.group.state, 'PreparingRebalance');
      // The static member is alive (it heartbeats) but busy: it does not rejoin in time.
      for (let t = 0; t < REBALANCE; t += SESSION / 2) {
        h.timers.advance(SESSION / 2);
        h.rebalance.heartbeat(h.group, { memberId: stat.memberId, groupInstanceId: 'i1', generationId: 1 });
      }
      const joined = await dynamic;
      assert.equal(joined.generationId, 2);
      assert.equal(
        h.group.hasMember(stat.memberId),
        true,
        'static members are not dropped at the rebalance timeout',
      );
      h.timers.advance(SESSION);
      assert.equal(h.group.hasMember(stat.memberId), false);
    });
  });
});
