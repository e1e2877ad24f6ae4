import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { applyIncremental, type ListRules, OPERATION } from '../../../src/broker/apis/alter-configs.ts';
import type { Message } from '../../../src/protocol/codec.ts';
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, type RawClient, withRawClient } from '../../support/raw-client.ts';

/** Topic-like rules: cleanup.policy is the one list, defaulting to "delete". */
const lists: ListRules = {
  refusal: (name, operation) =>
    name === 'cleanup.policy' ? undefined : `Can't ${operation} to key ${name} because its type is not LIST.`,
  defaultValue: (name) => (name === 'cleanup.policy' ? 'delete' : undefined),
};

test('SET and DELETE change single keys and leave the others', () => {
  const next = applyIncremental(
    { 'retention.ms': '1000', 'segment.ms': '2000' },
    [
      { name: 'retention.ms', configOperation: OPERATION.SET, value: '5000' },
      { name: 'segment.ms', configOperation: OPERATION.DELETE, value: null },
    ],
    lists,
  );
  assert.deepEqual(next, { 'retention.ms': '5000' });
});

test('APPEND and SUBTRACT work on list items, starting from the default when unset', () => {
  const append = (current: Record<string, string>, value: string) =>
    applyIncremental(current, [{ name: 'cleanup.policy', configOperation: OPERATION.APPEND, value }], lists);
  const appended = append({}, 'compact');
  assert.deepEqual(appended, { 'cleanup.policy': 'delete,compact' });
  assert.deepEqual(append(appended as Record<string, string>, 'compact,compact'), appended, 'no duplicates');
  const subtracted = applyIncremental(
    appended as Record<string, string>,
    [{ name: 'cleanup.policy', configOperation: OPERATION.SUBTRACT, value: 'delete' }],
    lists,
  );
  assert.deepEqual(subtracted, { 'cleanup.policy': 'compact' });
});

test('APPEND to a key that is not a list and unknown operations fail with their codes', () => {
  assert.deepEqual(
    applyIncremental({}, [{ name: 'retention.ms', configOperation: OPERATION.APPEND, value: '1' }], lists),
    { errorCode: 40, errorMessage: "Can't APPEND to key retention.ms because its type is not LIST." },
  );
  assert.deepEqual(applyIncremental({}, [{ name: 'retention.ms', configOperation: 9, value: '1' }], lists), {
    errorCode: 42,
    errorMessage: 'Unknown operations type 9',
  });
});

// --- Dynamic broker configs, through the wire ---

const BROKER = 4;
const TOPIC = 2;
const op = (name: string, configOperation: number, value: string | null = null) => ({
  name,
  configOperation,
  value,
});

/** IncrementalAlterConfigs v1 of one resource: [errorCode, errorMessage]. */
async function alterIncrementally(
  client: RawClient,
  type: number,
  name: string,
  configs: Message[],
  validateOnly = false,
) {
  const response = await client.request(API_KEYS.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: type, resourceName: name, configs }],
    validateOnly,
  });
  const [result] = response.responses as Message[];
  return [result.errorCode, result.errorMessage];
}

/** DescribeConfigs v4 of one resource: name → "value source synonyms…". */
async function describeConfigs(
  client: RawClient,
  type: number,
  name: string,
): Promise<Record<string, string>> {
  const response = await client.request(API_KEYS.DescribeConfigs, 4, {
    resources: [{ resourceType: type, resourceName: name, configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  const [result] = response.results as Message[];
  assert.equal(result.errorCode, 0, result.errorMessage);
  return Object.fromEntries(
    (result.configs as Message[]).map((c) => [
      c.name,
      [
        c.value,
        c.configSource,
        ...(c.synonyms as Message[]).map((s) => `${s.source}:${s.name}=${s.value}`),
      ].join(' '),
    ]),
  );
}

describe('dynamic broker configs', () => {
  let dataDir: string;
  let nagare: NagareUnderTest;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nagare-broker-configs-'));
    nagare = await startNagare({ dataDir });
    await withRawClient(nagare.port, (client) => createTopic(client, 'dyn', 1));
  });
  after(async () => {
    await nagare?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('per-broker and cluster-default configs are stored, described with their sources and applied at once', async () => {
    await withRawClient(nagare.port, async (c) => {
      assert.deepEqual(
        await alterIncrementally(c, BROKER, '1', [
          op('log.retention.ms', 0, '100000'),
          op('custom.key', 0, 'x'),
        ]),
        [0, null],
      );
      assert.deepEqual(
        await alterIncrementally(c, BROKER, '', [
          op('log.retention.ms', 0, '200000'),
          op('message.max.bytes', 0, '200'),
        ]),
        [0, null],
      );
      assert.deepEqual(
        await alterIncrementally(c, BROKER, '', [op('log.cleanup.policy', 2, 'compact')], true),
        [0, null],
      );
      const broker = await describeConfigs(c, BROKER, '1');
      assert.equal(
        broker['log.retention.ms'],
        '100000 2 2:log.retention.ms=100000 3:log.retention.ms=200000 5:log.retention.hours=168',
      );
      assert.equal(
        broker['custom.key'],
        ' 2 2:custom.key=null',
        'an unknown key is sensitive: no value shown',
      );
      assert.equal(
        broker['log.cleanup.policy'],
        'delete 5 5:log.cleanup.policy=delete',
        'validateOnly stored nothing',
      );
      assert.deepEqual(Object.keys(await describeConfigs(c, BROKER, '')).sort(), [
        'log.retention.ms',
        'message.max.bytes',
        'min.insync.replicas',
      ]);
      const topic = await describeConfigs(c, TOPIC, 'dyn');
      assert.equal(
        topic['retention.ms'],
        '100000 2 2:log.retention.ms=100000 3:log.retention.ms=200000 5:log.retention.hours=168',
      );
      assert.equal(nagare.broker.topicSettings(nagare.broker.metadata.topic('dyn')!).retentionMs, 100000);
      // The lowered message.max.bytes default applies to the next produce.
      const produced = await c.request(API_KEYS.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [
          {
            name: 'dyn',
            partitionData: [
              {
                index: 0,
                records: buildBatchSync({
                  records: [{ value: Buffer.alloc(300), timestamp: BigInt(Date.now()) }],
                }),
              },
            ],
          },
        ],
      });
      assert.equal(
        (produced.responses as Message[])[0].partitionResponses[0].errorCode,
        10,
        'MESSAGE_TOO_LARGE',
      );
    });
  });

  it("refuses what Kafka refuses, with Kafka's codes and messages", async () => {
    const cases: [string, Message[], [number, string]][] = [
      ['1', [op('log.dirs', 0, '/x')], [42, 'Cannot update these configs dynamically: [log.dirs]']],
      [
        '',
        [op('listeners', 0, 'PLAINTEXT://:9')],
        [
          42,
          'Cannot update these configs at default cluster level, broker id must be specified: [listeners]',
        ],
      ],
      [
        '',
        [op('log.retention.ms', 0, 'abc')],
        [42, 'Invalid value abc for configuration log.retention.ms: Not a number of type LONG'],
      ],
      [
        '1',
        [op('log.retention.ms', 0, '0')],
        [42, 'requirement failed: log.retention.ms must be unlimited (-1) or, greater than or equal to 1'],
      ],
      [
        '1',
        [op('log.segment.bytes', 0, '10')],
        [42, 'Invalid value 10 for configuration log.segment.bytes: Value must be at least 1048576'],
      ],
      [
        '1',
        [op('log.retention.ms', 2, '5')],
        [40, 'Config value append is not allowed for config key: log.retention.ms'],
      ],
      ['1', [op('unknown.key', 2, '5')], [40, 'Unknown config name: unknown.key']],
      ['1', [op('log.retention.ms', 0)], [42, 'Null value not supported for : log.retention.ms']],
      [
        '1',
        [op('log.retention.ms', 0, '1'), op('log.retention.ms', 1)],
        [42, 'Error due to duplicate config keys'],
      ],
      ['x', [op('log.cleaner.threads', 0, '2')], [42, 'Node id must be an integer, but it is: x']],
      ['2', [op('log.cleaner.threads', 0, '2')], [42, 'Unexpected broker id, expected 1, but received 2']],
    ];
    await withRawClient(nagare.port, async (c) => {
      for (const [name, ops, expected] of cases) {
        assert.deepEqual(
          await alterIncrementally(c, BROKER, name, ops),
          expected,
          `${name} ${JSON.stringify(ops)}`,
        );
      }
      assert.deepEqual(await alterIncrementally(c, 8, '1', [op('kafka.server', 0, 'DEBUG')]), [
        40,
        'Logger kafka.server does not exist!',
      ]);
      assert.deepEqual(await alterIncrementally(c, TOPIC, 'dyn', [op('retention.ms', 2, '5')]), [
        40,
        "Can't APPEND to key retention.ms because its type is not LIST.",
      ]);
      assert.deepEqual(await alterIncrementally(c, TOPIC, 'nope', [op('retention.ms', 0, '5')]), [
        3,
        "The topic 'nope' does not exist.",
      ]);
    });
  });

  it('AlterConfigs replaces a level whole; everything survives a restart', async () => {
    await withRawClient(nagare.port, async (c) => {
      const response = await c.request(API_KEYS.AlterConfigs, 2, {
        resources: [
          { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.roll.ms', value: '7000' }] },
        ],
        validateOnly: false,
      });
      assert.equal((response.responses as Message[])[0].errorCode, 0);
    });
    await nagare.stop();
    nagare = await startNagare({ dataDir });
    await withRawClient(nagare.port, async (c) => {
      assert.deepEqual(Object.keys(await describeConfigs(c, BROKER, '')), ['log.roll.ms']);
      const broker = await describeConfigs(c, BROKER, '1');
      assert.equal(
        broker['log.retention.ms'],
        '100000 2 2:log.retention.ms=100000 5:log.retention.hours=168',
      );
      assert.equal(broker['log.roll.ms'], '7000 3 3:log.roll.ms=7000 5:log.roll.hours=168');
    });
    assert.equal(nagare.broker.topicSettings(nagare.broker.metadata.topic('dyn')!).segmentMs, 7000);
  });
});
