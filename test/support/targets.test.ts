import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BrokerPair, compareOn, type RunningBroker, type Target } from './targets.ts';

// compareOn without brokers: two fake targets whose "broker" differs only in its bootstrap.
function fakePair(): BrokerPair {
  const side = (name: string, port: number) => {
    const target: Target = {
      name,
      missing: () => undefined,
      start: () => Promise.reject(new Error('unused')),
    };
    const broker: RunningBroker = { bootstrap: `127.0.0.1:${port}`, port, dataDir: '', stop: async () => {} };
    return { target, broker };
  };
  return { reference: side('reference', 1), subject: side('subject', 2), stop: async () => {} };
}

describe('compareOn', () => {
  it('returns both results when the brokers agree', async () => {
    const results = await compareOn(fakePair(), {
      name: 'agree',
      run: async (broker) => ({ errorCode: 0, port: broker.port }),
      align: (left, right) => [left.errorCode, right.errorCode],
    });
    assert.deepEqual(results, { reference: { errorCode: 0, port: 1 }, subject: { errorCode: 0, port: 2 } });
  });

  it('fails with one line per difference, naming both targets', async () => {
    await assert.rejects(
      compareOn(fakePair(), {
        name: 'disagree',
        run: async (broker) => ({ topics: [{ errorCode: broker.port === 1 ? 36 : 0 }], same: true }),
      }),
      (error: Error) => {
        assert.match(error.message, /scenario "disagree": brokers disagree/);
        assert.match(error.message, /\$\.topics\[0\]\.errorCode: reference=36 subject=0/);
        return true;
      },
    );
  });

  it('says on which target a scenario threw', async () => {
    await assert.rejects(
      compareOn(fakePair(), {
        name: 'throws',
        run: async (broker) => {
          if (broker.port === 2) throw new Error('connection refused');
          return 1;
        },
      }),
      /scenario "throws" failed on subject: connection refused/,
    );
  });
});
