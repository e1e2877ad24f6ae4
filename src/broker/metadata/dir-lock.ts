// One broker per log directory, like Kafka's `.lock`: a second broker on the same directory would
// interleave writes and corrupt it. The lock file names the owning process; a lock left by a process that
// no longer runs (kill -9, power loss) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = '.lock';
/** Directories locked by brokers of this process, which share one pid. */
const lockedHere = new Set<string>();

export class LogDirInUseError extends Error {
  constructor(logDir: string, owner: string) {
    super(
      `log.dirs ${logDir} is in use by another broker (${owner}): stop it, or give this broker another log.dirs`,
    );
    this.name = 'LogDirInUseError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DirLock {
  release(): Promise<void>;
}

export async function lockLogDir(logDir: string): Promise<DirLock> {
  if (lockedHere.has(logDir)) throw new LogDirInUseError(logDir, 'a broker in this process');
  const path = join(logDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      lockedHere.add(logDir);
      return {
        async release() {
          lockedHere.delete(logDir);
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new LogDirInUseError(logDir, `process ${owner}`);
      }
      // Left behind by a process that is gone (or by this one before a crash of its broker): take it over.
      await rm(path, { force: true });
    }
  }
  throw new LogDirInUseError(logDir, 'a broker starting at the same time');
}
