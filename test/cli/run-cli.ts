// Runs the `nagare` command as a user does: a child process of the Node that runs the tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Kills the process and fails when it runs longer (a hung command must not hang the suite). */
  timeoutMs?: number;
}

/** The environment of a CLI child: the test's, without a NAGARE_BOOTSTRAP that would change defaults. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NAGARE_BOOTSTRAP: undefined, NAGARE_DEBUG: undefined };
  for (const [key, value] of Object.entries(extra)) env[key] = value;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

function spawnCli(args: string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs a command to completion. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  const output = collect(child);
  child.stdin?.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    if (signal === 'SIGKILL') {
      throw new Error(
        `nagare ${args.join(' ')} still running after ${timeoutMs} ms; stderr: ${output.stderr}`,
      );
    }
    return { code, signal, stdout: output.stdout, stderr: output.stderr };
  } finally {
    clearTimeout(timer);
  }
}

function collect(child: ChildProcess): { stdout: string; stderr: string } {
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  return output;
}

/** A long-running command (a server, a tailing consumer). */
export interface RunningCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first stdout match of `pattern`; rejects if the process ends first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the result once the process has ended. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<CliResult>;
}

export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawnCli(args, options);
  const output = collect(child);
  if (options.input !== undefined) child.stdin?.end(options.input);
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let ended = false;
  void closed.then(() => {
    ended = true;
  });
  return {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const settle = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('close', check);
          if (error) reject(error);
          else resolve(match!);
        };
        // Runs after collect()'s listener (registered first), so the new chunk is already in stdout.
        const check = () => {
          const match = output.stdout.match(pattern);
          if (match) settle(undefined, match);
          else if (ended || child.exitCode !== null || child.signalCode !== null) {
            settle(new Error(`nagare ${args.join(' ')} ended before printing ${pattern}: ${output.stderr}`));
          }
        };
        const timer = setTimeout(
          () =>
            settle(
              new Error(
                `nagare ${args.join(' ')} printed no ${pattern} in ${timeoutMs} ms: ${output.stderr}`,
              ),
            ),
          timeoutMs,
        );
        child.stdout?.on('data', check);
        child.on('close', check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (!ended) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        const [code, exitSignal] = await closed;
        return { code, signal: exitSignal, stdout: output.stdout, stderr: output.stderr };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
