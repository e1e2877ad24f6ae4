// Starting and ending processes by pid, for the startup benchmark's restarts.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** The argv a running process was started with (to start it again the same way). */
export function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Waits until the process has exited and been reaped, polling its pid. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!isGone(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** SIGTERM (a clean shutdown), then SIGKILL if the process is still there after `graceMs`. */
export async function terminatePid(pid: number, graceMs = 60_000): Promise<void> {
  if (isGone(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (await waitUntilGone(pid, graceMs)) return;
  process.kill(pid, 'SIGKILL');
  await waitUntilGone(pid, 10_000);
}

/** Spawns argv with output appended to a log file; the caller ends it with terminatePid. */
export function spawnLogged(argv: string[], logPath: string): ChildProcess {
  const logFd = openSync(logPath, 'a');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  // An 'error' event without a listener would throw; the readiness wait notices the missing process.
  child.on('error', () => {});
  return child;
}
