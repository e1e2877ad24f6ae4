// The `nagare` command itself: help on every command, usage errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './run-cli.ts';

const COMMANDS = [
  ['dev'],
  ['broker'],
  ['topics'],
  ['topics', 'create'],
  ['topics', 'list'],
  ['topics', 'describe'],
  ['topics', 'alter'],
  ['topics', 'delete'],
  ['produce'],
  ['consume'],
];

describe('nagare', () => {
  it('lists its commands', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['dev', 'broker', 'topics', 'produce', 'consume']) {
      assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('has --help on every command', async () => {
    for (const command of COMMANDS) {
      const result = await runCli([...command, '--help']);
      assert.equal(result.code, 0, command.join(' '));
      assert.match(result.stdout, new RegExp(`^Usage: nagare ${command.join(' ')} `), command.join(' '));
    }
  });

  it('reports usage errors on one line with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['nonsense'], "nagare: unknown command 'nonsense'\n"],
      [
        ['topics', 'create', 'x', '--partitions', 'two'],
        "nagare: option '-p, --partitions <n>' argument 'two' is invalid. expected a whole number 1 or more.\n",
      ],
      [
        ['consume', 'x', '--from-beginning', '--offset', '3'],
        "nagare: option '--from-beginning' cannot be used with option '-o, --offset <n>'\n",
      ],
      [
        ['consume', 'x', '--format', '%q'],
        "nagare: option '-f, --format <format>' argument '%q' is invalid. unknown format token '%q': %t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,…), %K key length, %S value length, %% a percent sign; \\n \\t \\r \\\\ escapes.\n",
      ],
      [
        ['topics', 'list', '-b', 'localhost'],
        "nagare: option '-b, --bootstrap-server <host:port>' argument 'localhost' is invalid. 'localhost' is not HOST:PORT, e.g. 127.0.0.1:9092.\n",
      ],
      [
        ['produce', 'x', '--acks', '2'],
        "nagare: option '--acks <acks>' argument '2' is invalid. Allowed choices are 0, 1, all.\n",
      ],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr, stderr);
    }
  });
});
