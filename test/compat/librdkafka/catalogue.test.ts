import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerFacing, parseBrokerVersion, parseTestTable } from './catalogue.ts';
import { parseAllowList } from './suite.ts';

// The shapes test.c's table takes: flags combined with |, version macros, comments, #if blocks,
// designated initialisers, a URL in a string (which is no comment).
const testC = `
_TEST_DECL(0001_multiobj);
struct test tests[] = {
    /* Special MAIN test to hold over-all timings, etc. */
    {.name = "<MAIN>", .flags = TEST_F_LOCAL},
    _TEST(0000_unittests,
          TEST_F_LOCAL,
          /* heavy on CPU (memory scan) */
          _THRES(.ucpu = 100.0, .scpu = 20.0, .rss = 900.0)),
    _TEST(0001_multiobj, 0),
    _TEST(0028_long_topicnames,
          TEST_F_KNOWN_ISSUE,
          TEST_BRKVER(0, 9, 0, 0),
          .extra = "https://github.com/confluentinc/librdkafka/issues/529"),
    _TEST(0045_subscribe_update_topic_remove,
          0,
          TEST_BRKVER(0, 9, 0, 0),
          .scenario = "noautocreate"),
#if WITH_SOCKEM
    _TEST(0049_consume_conn_close, TEST_F_SOCKEM, TEST_BRKVER(0, 9, 0, 0)),
#endif
    _TEST(0068_produce_timeout, TEST_F_SOCKEM),
    _TEST(0066_plugins,
          TEST_F_LOCAL | TEST_F_KNOWN_ISSUE_WIN32 | TEST_F_KNOWN_ISSUE_OSX,
          .extra = "dynamic loading of tests "
                   "might not be fixed"),
    _TEST(0103_transactions, 0, TEST_BRKVER(0, 11, 0, 0), .scenario = "default,ak23"),
    _TEST(0111_delay_create_topics, 0, TEST_BRKVER_TOPIC_ADMINAPI, .scenario = "noautocreate"),
    _TEST(0170_share_consumer_subscription, 0, TEST_BRKVER(4, 2, 0, 0)),
    _TEST(8000_idle, TEST_F_MANUAL),
    {NULL}};
`;

test('the test table gives names, numbers, flags, scenarios and minimum broker versions', () => {
  const tests = parseTestTable(testC);
  assert.deepEqual(
    tests.map((t) => t.name),
    [
      '0000_unittests',
      '0001_multiobj',
      '0028_long_topicnames',
      '0045_subscribe_update_topic_remove',
      '0049_consume_conn_close',
      '0068_produce_timeout',
      '0066_plugins',
      '0103_transactions',
      '0111_delay_create_topics',
      '0170_share_consumer_subscription',
      '8000_idle',
    ],
  );
  const byName = new Map(tests.map((t) => [t.name, t]));
  assert.equal(byName.get('0045_subscribe_update_topic_remove')?.number, '0045');
  assert.deepEqual(byName.get('0045_subscribe_update_topic_remove')?.scenarios, ['noautocreate']);
  assert.deepEqual(byName.get('0103_transactions')?.scenarios, ['default', 'ak23']);
  assert.deepEqual(byName.get('0001_multiobj')?.scenarios, ['default']);
  assert.equal(byName.get('0028_long_topicnames')?.knownIssue, true);
  assert.equal(byName.get('0066_plugins')?.local, true);
  assert.equal(byName.get('0066_plugins')?.knownIssue, false, 'known only on Windows and macOS');
  assert.equal(byName.get('0049_consume_conn_close')?.sockem, true);
  assert.equal(byName.get('0068_produce_timeout')?.local, true, 'talks to the mock cluster only');
  assert.equal(byName.get('0068_produce_timeout')?.mockOnly, true);
  assert.equal(byName.get('0066_plugins')?.mockOnly, false);
  assert.equal(byName.get('8000_idle')?.manual, true);
  assert.deepEqual(byName.get('0111_delay_create_topics')?.minBrokerVersion, [0, 10, 2, 0]);
  assert.deepEqual(byName.get('0170_share_consumer_subscription')?.minBrokerVersion, [4, 2, 0, 0]);
});

test('broker-facing tests leave out local, manual and known-issue ones and those for newer brokers', () => {
  const tests = parseTestTable(testC);
  const names = (version: string) => brokerFacing(tests, parseBrokerVersion(version)).map((t) => t.name);
  assert.deepEqual(names('4.3.1'), [
    '0001_multiobj',
    '0045_subscribe_update_topic_remove',
    '0049_consume_conn_close',
    '0103_transactions',
    '0111_delay_create_topics',
    '0170_share_consumer_subscription',
  ]);
  assert.ok(!names('4.1.0').includes('0170_share_consumer_subscription'));
  assert.ok(names('4.2.0').includes('0170_share_consumer_subscription'));
});

test('a test.c without the table is refused rather than read as an empty suite', () => {
  assert.throws(
    () => parseTestTable('int main(void) { return 0; }'),
    /no `struct test tests\[\] = \{` table/,
  );
});

test('the allow-list names broker-facing tests only, each once', () => {
  const facing = brokerFacing(parseTestTable(testC), parseBrokerVersion('4.3.1'));
  const allowed = parseAllowList('# produce\n0001_multiobj\n\n0103_transactions  # comment\n', facing);
  assert.deepEqual(
    allowed.map((t) => t.name),
    ['0001_multiobj', '0103_transactions'],
  );
  assert.throws(
    () => parseAllowList('0066_plugins\n', facing),
    /line 1: 0066_plugins is not a broker-facing/,
  );
  assert.throws(() => parseAllowList('0001_multobj\n', facing), /not a broker-facing test/);
  assert.throws(
    () => parseAllowList('0001_multiobj\n0001_multiobj\n', facing),
    /line 2: 0001_multiobj listed twice/,
  );
});
