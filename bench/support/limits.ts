// The physical limits the broker figures are compared with: sequential disk writes on the filesystem
// that holds the brokers' data, and a TCP byte pump over loopback between two processes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { nodeBinary, repoRoot } from './brokers.ts';

const MiB = 1024 * 1024;

/** MiB/s writing `totalMiB` in 1 MiB chunks to a new file in `dir`, fsync at the end included. */
export function diskSequentialWriteMiBps(dir: string, totalMiB = 1024): number {
  const path = join(dir, `nagare-bench-disk-${process.pid}.tmp`);
  const chunk = randomBytes(MiB);
  const fd = openSync(path, 'w');
  try {
    const started = performance.now();
    for (let written = 0; written < totalMiB; written++) writeSync(fd, chunk);
    fsyncSync(fd);
    return totalMiB / ((performance.now() - started) / 1000);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

/**
 * Appends of `appendBytes` each followed by fdatasync, per second: the ceiling of a log that syncs
 * every write (group commit can put several produce requests in one sync).
 */
export function diskSyncedAppendsPerSec(dir: string, appendBytes = 16 * 1024, seconds = 2): number {
  const path = join(dir, `nagare-bench-fsync-${process.pid}.tmp`);
  const chunk = randomBytes(appendBytes);
  const fd = openSync(path, 'w');
  try {
    const started = performance.now();
    let appends = 0;
    while (performance.now() - started < seconds * 1000) {
      writeSync(fd, chunk);
      fdatasyncSync(fd);
      appends++;
    }
    return appends / ((performance.now() - started) / 1000);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

/** MiB/s pushing `totalMiB` through a loopback TCP connection to another Node process. */
export async function loopbackTcpMiBps(totalMiB = 2048): Promise<number> {
  const sink = spawn(nodeBinary, [join(repoRoot, 'bench', 'support', 'tcp-sink.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      sink.once('error', reject);
      sink.stdout.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim())));
    });
    const chunk = randomBytes(MiB);
    const started = performance.now();
    const received = await new Promise<number>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('error', reject);
      socket.on('data', (text: string) => {
        answer += text;
      });
      socket.on('end', () => resolve(Number(answer)));
      let sent = 0;
      const pump = () => {
        while (sent < totalMiB) {
          sent++;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
      };
      socket.once('connect', pump);
    });
    if (received !== totalMiB * MiB) throw new Error(`loopback pump lost bytes: ${received}`);
    return totalMiB / ((performance.now() - started) / 1000);
  } finally {
    sink.kill();
  }
}
