// Small file-system steps that make metadata changes survive a crash: fsync of a directory (so that
// created, renamed and deleted entries persist) and whole-file replacement through a renamed temp file.
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TMP_SUFFIX } from './segment-files.ts';

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new content, never a mix.
 * The rename is durable once the directory is synced; callers that need that pass `syncParent`.
 */
export async function replaceFile(path: string, data: Buffer, syncParent = false): Promise<void> {
  const tmp = join(dirname(path), basename(path) + TMP_SUFFIX);
  const handle = await open(tmp, 'w');
  try {
    if (data.length > 0) await handle.write(data, 0, data.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  if (syncParent) await syncDir(dirname(path));
}
