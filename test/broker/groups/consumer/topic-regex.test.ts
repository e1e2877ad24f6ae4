import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileTopicRegex,
  InvalidTopicRegexError,
} from '../../../../src/broker/groups/consumer/topic-regex.ts';

// SubscribedTopicRegex patterns as RE2/J reads them (Kafka's engine), matched against whole topic names.

function matches(pattern: string, names: string[]): string[] {
  const regex = compileTopicRegex(pattern);
  return names.filter((name) => regex.test(name));
}

const topics = [
  'orders',
  'orders-eu',
  'orders-us',
  'Orders',
  'payments',
  'a.b',
  'a_b',
  'x{1}',
  'we]ird',
  'dlq.orders',
];

describe('topic regex (RE2/J syntax)', () => {
  it('matches whole names, not substrings', () => {
    assert.deepEqual(matches('orders', topics), ['orders']);
    assert.deepEqual(matches('orders.*', topics), ['orders', 'orders-eu', 'orders-us']);
    assert.deepEqual(matches('.*orders', topics), ['orders', 'dlq.orders']);
  });

  it('reads classes, alternation, repetition and escapes as RE2 does', () => {
    assert.deepEqual(matches('orders-(eu|us)', topics), ['orders-eu', 'orders-us']);
    assert.deepEqual(matches('orders-[a-z]{2}', topics), ['orders-eu', 'orders-us']);
    assert.deepEqual(matches('a\\.b', topics), ['a.b']);
    assert.deepEqual(matches('a\\_b', topics), ['a_b']);
    assert.deepEqual(matches('[[:alpha:]]+', topics), ['orders', 'Orders', 'payments']);
    assert.deepEqual(matches('\\pL+', topics), ['orders', 'Orders', 'payments']);
    assert.deepEqual(matches('\\p{Latin}+', topics), ['orders', 'Orders', 'payments']);
    assert.deepEqual(matches('\\Qa.b\\E', topics), ['a.b']);
    assert.deepEqual(matches('\\Aorders\\z', topics), ['orders']);
    assert.deepEqual(matches('x{1}', topics), []);
    assert.deepEqual(matches('x\\{1\\}', topics), ['x{1}']);
    assert.deepEqual(matches('x{1', ['x{1']), ['x{1']);
    assert.deepEqual(matches('we]ird', topics), ['we]ird']);
    assert.deepEqual(matches('[]a]+', ['a]a', 'b']), ['a]a']);
    assert.deepEqual(matches('(?P<region>orders)-eu', topics), ['orders-eu']);
    assert.deepEqual(matches('\\x6frders', topics), ['orders']);
  });

  it('applies flags to the rest of their group or to their own group', () => {
    assert.deepEqual(matches('(?i)orders', topics), ['orders', 'Orders']);
    assert.deepEqual(matches('(?i:o)rders', topics), ['orders', 'Orders']);
    assert.deepEqual(matches('x((?i)o)rders|p.*', topics), ['payments']);
    assert.deepEqual(matches('((?i)O)rders', topics), ['orders', 'Orders']);
  });

  it('refuses what RE2 refuses, and what Nagare does not translate', () => {
    for (const pattern of [
      '(orders',
      'orders)',
      '[abc',
      'a**',
      'a*+',
      '(a)\\1',
      '(?=a)a',
      '(?!a)b',
      '(?<=a)b',
      '(?>a)',
      '\\y',
      '(?U)a*',
      '[[:^alpha:]]',
      'a{2,1}',
      'a{1001}',
      '\\p{NoSuchScript}',
    ]) {
      assert.throws(() => compileTopicRegex(pattern), InvalidTopicRegexError, pattern);
    }
  });
});
