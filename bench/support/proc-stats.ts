// What the kernel knows about a process (Linux /proc): CPU time used and resident memory.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** The fields of /proc/<pid>/stat after the command name (which may itself hold spaces and parens). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds a process has used so far, all its threads included. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of the line, 12 and 13 counted from the state field.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/**
 * CPU seconds of this process's children that have exited and been reaped (cutime + cstime): the
 * difference around one client run is that client's CPU, as long as no other child ends meanwhile.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
}

/** Resident set size in MiB (VmRSS of /proc/<pid>/status: the whole process, every thread). */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * CPU seconds all cores have spent busy since boot (/proc/stat). Around a run, busy minus the broker's
 * and the client's CPU is what other processes took: the noise a shared machine adds to the figures.
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond();
}

export interface ThreadCpu {
  userSeconds: number;
  systemSeconds: number;
}

/**
 * CPU per thread name (/proc/<pid>/task/<tid>/comm), user and system apart: a Node process's main thread
 * apart from its libuv workers and V8's helper threads.
 */
export function threadCpuByName(pid: number): Map<string, ThreadCpu> {
  const byName = new Map<string, ThreadCpu>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const fields = statFields(`${pid}/task/${tid}`);
      const total = byName.get(name) ?? { userSeconds: 0, systemSeconds: 0 };
      total.userSeconds += Number(fields[11]) / ticksPerSecond();
      total.systemSeconds += Number(fields[12]) / ticksPerSecond();
      byName.set(name, total);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return byName;
}
