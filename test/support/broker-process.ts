// A Nagare broker in a child process (test/support/broker-main.ts), for tests that kill it with SIGKILL,
// restart it on the same log dir, or read what it logged. Readiness is its `READY host:port` line on
// stdout, never a sleep; the pino JSON lines before and after it (stdout) are kept for assertions.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./broker-main.ts', import.meta.url));

export interface BrokerProcessOptions {
  dataDir: string;
  /** Broker properties over the defaults (listener on 127.0.0.1:0, log.dirs = dataDir). */
  overrides?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** One pino JSON line the broker wrote. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export const PINO_WARN = 40;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class BrokerProcess {
  readonly bootstrap: string;
  readonly port: number;
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  readonly #output: Output;

  constructor(child: ChildProcess, bootstrap: string, output: Output, exited: Promise<Exit>) {
    this.#child = child;
    this.bootstrap = bootstrap;
    this.port = Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1));
    this.#output = output;
    this.exited = exited;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Every JSON log line so far, in order: all of those logged while starting, and later ones. */
  logs(): LogLine[] {
    return this.#output.stdout.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  }

  /** Everything printed so far, for failure messages. */
  output(): string {
    return describeOutput(this.#output);
  }

  /** kill -9: no clean shutdown, nothing flushed beyond what the broker already made durable. */
  async kill(): Promise<Exit> {
    this.#child.kill('SIGKILL');
    return this.exited;
  }

  /** A clean stop (SIGTERM); throws unless the broker exits with status 0. */
  async stop(): Promise<void> {
    this.#child.kill('SIGTERM');
    const exit = await this.exited;
    if (exit.code !== 0) {
      throw new Error(`broker exited with ${exit.code ?? exit.signal} on SIGTERM:\n${this.output()}`);
    }
  }
}

/** What the child printed, line by line. */
interface Output {
  stdout: string[];
  stderr: string[];
}

function describeOutput(output: Output): string {
  return `stdout:\n${output.stdout.join('\n')}\nstderr:\n${output.stderr.join('\n')}`;
}

export function spawnBroker(options: BrokerProcessOptions): Promise<BrokerProcess> {
  const props = {
    listeners: 'PLAINTEXT://127.0.0.1:0',
    'log.dirs': options.dataDir,
    ...options.overrides,
  };
  const child = spawn(
    process.execPath,
    [entry, ...Object.entries(props).map(([key, value]) => `${key}=${value}`)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: Output = { stdout: [], stderr: [] };
  createInterface({ input: child.stderr! }).on('line', (line) => output.stderr.push(line));
  const exited = new Promise<Exit>((resolve) => {
    // 'close' comes after stdio has ended, so every log line is in by then.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const timeoutMs = options.readyTimeoutMs ?? 30_000;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker printed no READY line within ${timeoutMs} ms:\n${describeOutput(output)}`));
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = /^READY (\S+)$/.exec(line);
      if (!ready) {
        output.stdout.push(line);
        return;
      }
      clearTimeout(timer);
      resolve(new BrokerProcess(child, ready[1], output, exited));
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      // After READY this rejection is ignored; before it, the broker died while starting.
      reject(
        new Error(`broker exited (${exit.code ?? exit.signal}) before READY:\n${describeOutput(output)}`),
      );
    });
  });
}
