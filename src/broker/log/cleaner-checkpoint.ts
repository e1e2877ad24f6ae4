// The cleaner's checkpoint of one partition: the first offset not yet cleaned (Kafka's
// cleaner-offset-checkpoint entry), so that a restart does not compact the whole log again. It lives in
// the partition directory, so deleting the topic deletes it too and a topic created again under the
// same name cannot inherit it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from './durable-files.ts';
import { CLEANER_CHECKPOINT_FILE } from './segment-files.ts';

export async function readCleanerCheckpoint(dir: string): Promise<bigint | null> {
  let text: string;
  try {
    text = await readFile(join(dir, CLEANER_CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  // A damaged checkpoint only costs a full cleaning, as a missing one does.
  return /^\d+\n?$/.test(text) ? BigInt(text.trim()) : null;
}

export async function writeCleanerCheckpoint(dir: string, offset: bigint): Promise<void> {
  await replaceFile(join(dir, CLEANER_CHECKPOINT_FILE), Buffer.from(`${offset}\n`), true);
}
