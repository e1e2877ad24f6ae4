import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultsOfRun } from './summary.ts';

const esc = '\x1b';
// Lines as test-runner writes them (colours included), for a run of three variants of one number.
const output = [
  `${esc}[0m${esc}[36m[<MAIN>                      /  0.000s] Tests to run     : 0045`,
  `${esc}[0m${esc}[36m[0045_subscribe_update       /  0.000s] ================= Running test 0045_subscribe_update =================`,
  `${esc}[0m${esc}[36m[0045_subscribe_update       / 31.051s] TEST FAILURE`,
  `${esc}[31m### Test "0045_subscribe_update (do_test_regex:286)" failed at 0045-subscribe_update.c:66:await_assignment() at Sat Nov 21 13:46:16 2026: ###`,
  'timed out waiting for assignment',
  `${esc}[0m${esc}[36m[0045_subscribe_many_updates /  0.000s] ================= Running test 0045_subscribe_many_updates =================`,
  `${esc}[0m${esc}[36m[0045_subscribe_many_updates /  2.100s] ${esc}[32m================= Test 0045_subscribe_many_updates PASSED =================${esc}[0m`,
  `${esc}[0m${esc}[33m[0045_subscribe_update_racks_mock/  0.000s] WARN: SKIPPING TEST: Filtered due to negative test flags`,
  `${esc}[0m${esc}[36m[0045_resubscribe_with_regex /  0.000s] ================= Running test 0045_resubscribe_with_regex =================`,
  `${esc}[0m${esc}[33m[0045_resubscribe_with_regex /  0.001s] WARN: SKIPPING TEST: Test requires a newer broker`,
  `${esc}[0m${esc}[36m[0045_resubscribe_with_regex /  0.001s] ================= Test 0045_resubscribe_with_regex SKIPPED =================`,
  `${esc}[0m${esc}[36m[0045_subscribe_update_topic_remove /  0.000s] ================= Running test 0045_subscribe_update_topic_remove =================`,
  '### Test "<MAIN>" failed at test.c:1950:test_wait_exit() at Sat Nov 21 13:47:23 2026: ###',
  '12 thread(s) still active in librdkafka',
  "test-runner: test.c:7706: test_fail0: Assertion `0' failed.",
].join('\n');

test('each test gets its outcome from its own lines, even when the runner aborted before its summary', () => {
  const results = resultsOfRun(
    [
      '0045_subscribe_update',
      '0045_subscribe_many_updates',
      '0045_resubscribe_with_regex',
      '0045_subscribe_update_topic_remove',
      '0045_subscribe_update_non_exist',
    ],
    output,
    'test-runner died of SIGABRT',
  );
  assert.deepEqual(results[0], {
    name: '0045_subscribe_update',
    outcome: 'failed',
    reason: 'timed out waiting for assignment (0045-subscribe_update.c:66)',
  });
  assert.deepEqual(results[1], { name: '0045_subscribe_many_updates', outcome: 'passed', reason: '' });
  assert.deepEqual(results[2], {
    name: '0045_resubscribe_with_regex',
    outcome: 'skipped',
    reason: 'Test requires a newer broker',
  });
  assert.equal(results[3].outcome, 'failed');
  assert.match(
    results[3].reason,
    /^started and did not finish: test-runner died of SIGABRT; last output: .*Assertion/,
  );
  assert.equal(results[4].outcome, 'failed');
  assert.match(results[4].reason, /^did not start: test-runner died of SIGABRT/);
});

test('a failure reported before the end line wins over PASSED (failures deferred with TEST_FAIL_LATER)', () => {
  const later = [
    '[0081_admin                  /  1.000s] ================= Running test 0081_admin =================',
    '### Test "0081_admin (do_test_DeleteRecords:12)" failed at 0081-admin.c:99:do_test() at now: ###',
    'expected offset 5, got 0',
    '[0081_admin                  /  9.000s] ================= Test 0081_admin PASSED =================',
  ].join('\n');
  assert.deepEqual(resultsOfRun(['0081_admin'], later, 'exited'), [
    { name: '0081_admin', outcome: 'failed', reason: 'expected offset 5, got 0 (0081-admin.c:99)' },
  ]);
});

test('the summary table gives the outcome of a test skipped before it started', () => {
  const table = [
    `${esc}[0m${esc}[33m[0103_transactions           /  0.000s] WARN: SKIPPING TEST: included in TESTS_SKIP list`,
    'TEST 20261121134536 (bare, scenario default) SUMMARY',
    '#==================================================================#',
    `|${esc}[32m <MAIN>                                   |     PASSED |   0.303s ${esc}[0m|`,
    `|${esc}[36m 0103_transactions                        |    SKIPPED |   0.000s ${esc}[0m|${esc}[36m included in TESTS_SKIP list${esc}[0m`,
    '#==================================================================#',
  ].join('\n');
  assert.deepEqual(resultsOfRun(['0103_transactions'], table, 'exited'), [
    { name: '0103_transactions', outcome: 'skipped', reason: 'included in TESTS_SKIP list' },
  ]);
});
