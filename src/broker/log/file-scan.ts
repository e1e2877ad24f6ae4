// Walks the batches stored in a byte range of a segment file, reading it in chunks. The scanner checks
// only that each batch's size field fits the range; what else makes a batch acceptable is up to the
// visitor (recovery checks CRCs, index rebuilding and lookups do not).
import { BATCH_HEADER_SIZE, batchSize } from '../../protocol/records/batch-header.ts';

/** Reads `length` bytes at `position` (fewer only at end of file). */
export type PositionalReader = (position: number, length: number) => Promise<Buffer>;

/**
 * Called per batch with the buffer holding it at `at`: the whole batch when scanning with
 * `wholeBatches`, else at least its header. Return false to stop.
 */
export type BatchVisitor = (buf: Buffer, at: number, position: number, size: number) => boolean;

export interface ScanEnd {
  /** Position of the first batch not visited (`end` when the range was walked completely). */
  position: number;
  /** Why the range holds no further valid batch there; null if the range ended or the visitor stopped. */
  problem: string | null;
}

const CHUNK_BYTES = 256 * 1024;

export async function scanBatches(
  read: PositionalReader,
  from: number,
  end: number,
  wholeBatches: boolean,
  visit: BatchVisitor,
): Promise<ScanEnd> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = from;
  let position = from;
  while (position < end) {
    let at = position - bufStart;
    if (at + BATCH_HEADER_SIZE > buf.length) {
      if (end - position < BATCH_HEADER_SIZE)
        return { position, problem: `incomplete batch header (${end - position} bytes)` };
      buf = await read(position, Math.min(end - position, CHUNK_BYTES));
      bufStart = position;
      at = 0;
      if (buf.length < BATCH_HEADER_SIZE) return { position, problem: 'file shorter than expected' };
    }
    const size = batchSize(buf, at);
    if (size < BATCH_HEADER_SIZE) return { position, problem: `batch size ${size} below the header size` };
    if (size > end - position)
      return { position, problem: `batch of ${size} bytes runs past the end (${end - position} left)` };
    if (wholeBatches && at + size > buf.length) {
      buf = await read(position, Math.max(size, Math.min(end - position, CHUNK_BYTES)));
      bufStart = position;
      at = 0;
      if (buf.length < size) return { position, problem: 'file shorter than expected' };
    }
    if (!visit(buf, at, position, size)) return { position, problem: null };
    position += size;
  }
  return { position, problem: null };
}
