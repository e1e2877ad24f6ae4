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

/** One whole batch of a file range: `buf[at, at + size)`, stored at `position`. */
export interface StoredBatchView {
  buf: Buffer;
  at: number;
  position: number;
  size: number;
}

/**
 * The whole batches of `[from, end)`, one after the other, read in chunks: unlike scanBatches the caller
 * may await between batches (the cleaner decompresses and writes as it goes). A batch's bytes stay valid
 * until the next one is asked for. Throws on a batch that does not fit the range: the range is expected
 * to hold whole batches only (a sealed or committed part of a segment).
 */
export async function* iterateBatches(
  read: PositionalReader,
  from: number,
  end: number,
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<StoredBatchView> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = from;
  let position = from;
  while (position < end) {
    let at = position - bufStart;
    const haveHeader = at + BATCH_HEADER_SIZE <= buf.length;
    const size = haveHeader ? batchSize(buf, at) : 0;
    if (!haveHeader || at + size > buf.length) {
      const wanted = Math.max(haveHeader ? size : BATCH_HEADER_SIZE, Math.min(end - position, chunkBytes));
      buf = await read(position, Math.min(wanted, end - position));
      bufStart = position;
      at = 0;
      if (buf.length < BATCH_HEADER_SIZE) throw new Error(`no whole batch header at position ${position}`);
      const fullSize = batchSize(buf, 0);
      if (fullSize < BATCH_HEADER_SIZE || fullSize > end - position)
        throw new Error(`batch of ${fullSize} bytes at position ${position} does not fit its segment`);
      if (fullSize > buf.length) {
        buf = await read(position, fullSize);
        if (buf.length < fullSize) throw new Error(`file shorter than the batch at position ${position}`);
      }
      continue;
    }
    if (size < BATCH_HEADER_SIZE || position + size > end)
      throw new Error(`batch of ${size} bytes at position ${position} does not fit its segment`);
    yield { buf, at, position, size };
    position += size;
  }
}
