import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShareSessionCache } from '../../../src/broker/share/share-sessions.ts';

const p = (topicId: string, partition: number) => ({ topicId, partition });

describe('ShareSessionCache', () => {
  it('opens at epoch 0, then expects consecutive epochs', () => {
    const cache = new ShareSessionCache();
    const opened = cache.forFetch('g', 'm', 0, [p('t', 0)], []);
    assert.ok(!('error' in opened));
    assert.deepEqual(cache.forFetch('g', 'm', 2, [], []), { error: 'INVALID_SHARE_SESSION_EPOCH' });
    const next = cache.forFetch('g', 'm', 1, [p('t', 1)], [p('t', 0)]);
    assert.ok(!('error' in next));
    assert.deepEqual([...next.session.partitions.values()], [p('t', 1)]);
    assert.ok(!('error' in cache.forAcknowledge('g', 'm', 2)));
    assert.equal(cache.get('g', 'm')?.epoch, 3);
  });

  it('refuses unknown sessions and opening through ShareAcknowledge', () => {
    const cache = new ShareSessionCache();
    assert.deepEqual(cache.forFetch('g', 'm', 1, [], []), { error: 'SHARE_SESSION_NOT_FOUND' });
    assert.deepEqual(cache.forAcknowledge('g', 'm', -1), { error: 'SHARE_SESSION_NOT_FOUND' });
    assert.deepEqual(cache.forAcknowledge('g', 'm', 0), { error: 'INVALID_SHARE_SESSION_EPOCH' });
  });

  it('closes at epoch -1, handing the session over one last time', () => {
    const cache = new ShareSessionCache();
    cache.forFetch('g', 'm', 0, [p('t', 0)], []);
    const closing = cache.forAcknowledge('g', 'm', -1);
    assert.ok(!('error' in closing) && closing.closing);
    assert.equal(closing.session.partitions.size, 1);
    assert.equal(cache.size, 0);
  });

  it('replaces a session opened again, and drops sessions of deleted groups and topics', () => {
    const cache = new ShareSessionCache();
    cache.forFetch('g', 'm', 0, [p('t', 0)], []);
    cache.forFetch('g', 'm', 1, [], []);
    cache.forFetch('g', 'm', 0, [p('u', 0)], []);
    assert.equal(cache.get('g', 'm')?.epoch, 1);
    assert.deepEqual([...cache.get('g', 'm')!.partitions.values()], [p('u', 0)]);
    cache.removeTopic('u');
    assert.equal(cache.get('g', 'm')?.partitions.size, 0);
    cache.forFetch('h', 'm', 0, [], []);
    cache.removeGroup('g');
    assert.equal(cache.get('g', 'm'), undefined);
    assert.ok(cache.get('h', 'm'));
  });

  it('starts each fetch one partition further, so that every partition gets its turn', () => {
    const cache = new ShareSessionCache();
    const opened = cache.forFetch('g', 'm', 0, [p('t', 0), p('t', 1), p('u', 0)], []);
    assert.ok(!('error' in opened));
    const orders = [0, 1, 2, 3].map(() =>
      ShareSessionCache.fetchOrder(opened.session).map((x) => `${x.topicId}${x.partition}`),
    );
    assert.deepEqual(orders, [
      ['t0', 't1', 'u0'],
      ['t1', 'u0', 't0'],
      ['u0', 't0', 't1'],
      ['t0', 't1', 'u0'],
    ]);
  });
});
