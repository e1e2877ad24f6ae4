// The compression codecs of record batches, by the code stored in the batch attributes:
// 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
//
// Public API:
//   compress(codec: number, data: Buffer, options?: CompressOptions): Promise<Buffer>
//   compressSync(codec: number, data: Buffer, options?: CompressOptions): Buffer
//   decompress(codec: number, data: Buffer, options?: DecompressOptions): Promise<Buffer>
//   decompressSync(codec: number, data: Buffer, options?: DecompressOptions): Buffer
//   compressionName(codec: number): CompressionName   (throws UnsupportedCompressionError)
//   class UnsupportedCompressionError extends RecordBatchError  (code UNSUPPORTED_COMPRESSION_TYPE, .codec)
// Failures to decompress throw RecordBatchError CORRUPT_MESSAGE; going over maxOutputLength throws
// RecordBatchError MESSAGE_TOO_LARGE without allocating much more than the limit (see checkDeclaredSize).
// Codec 0 returns `data` itself.
//
// Formats, as Kafka writes them for magic 2:
//   gzip   RFC 1952 via node:zlib (concatenated members decode too).
//   snappy written xerial-framed like the Java client (see xerial-snappy.ts); read framed or raw.
//   lz4    the LZ4 frame format (magic 0x184D2204, independent blocks, which Kafka's Java reader
//          requires), via lz4-napi.
//   zstd   zstd frames via node:zlib (Node >= 23.8).
// The async forms run the codec on libuv's thread pool; the sync forms block, fine for small batches.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { readUVarint } from '../primitives/varint.ts';
import { RecordBatchError } from './batch-error.ts';
import type { CompressionName } from './batch-header.ts';
import { lz4DecompressedBound } from './lz4-frame.ts';
import { frameXerial, isXerialFramed, splitBlocks, unframeXerial } from './xerial-snappy.ts';

// The native snappy and lz4 bindings are loaded on first use: a broker that never recompresses (the
// usual case: batches are stored as produced) does not pay their start-up time and memory.
const require = createRequire(import.meta.url);
let snappyModule: typeof import('snappy') | undefined;
let lz4Module: typeof import('lz4-napi') | undefined;
const snappy = () => {
  snappyModule ??= require('snappy') as typeof import('snappy');
  return snappyModule;
};
const lz4 = () => {
  lz4Module ??= require('lz4-napi') as typeof import('lz4-napi');
  return lz4Module;
};

export interface CompressOptions {
  /** Compression level for gzip (1–9) and zstd (1–22); other codecs have none. */
  level?: number;
}

export interface DecompressOptions {
  /** Refuse (MESSAGE_TOO_LARGE) data that would decompress to more than this many bytes. */
  maxOutputLength?: number;
}

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export class UnsupportedCompressionError extends RecordBatchError {
  readonly codec: number;
  constructor(codec: number) {
    super('UNSUPPORTED_COMPRESSION_TYPE', `unknown compression codec ${codec} (known: 0 none … 4 zstd)`);
    this.name = 'UnsupportedCompressionError';
    this.codec = codec;
  }
}

export function compressionName(codec: number): CompressionName {
  const name = NAMES[codec];
  if (name === undefined || !Number.isInteger(codec)) throw new UnsupportedCompressionError(codec);
  return name;
}

function gzipOptions(options: CompressOptions | undefined): zlib.ZlibOptions {
  return options?.level === undefined ? {} : { level: options.level };
}

function zstdOptions(options: CompressOptions | undefined): zlib.ZstdOptions {
  return options?.level === undefined
    ? {}
    : { params: { [zlib.constants.ZSTD_c_compressionLevel]: options.level } };
}

export function compressSync(codec: number, data: Buffer, options?: CompressOptions): Buffer {
  switch (compressionName(codec)) {
    case 'none':
      return data;
    case 'gzip':
      return zlib.gzipSync(data, gzipOptions(options));
    case 'snappy':
      return frameXerial(splitBlocks(data).map((block) => snappy().compressSync(block)));
    case 'lz4':
      return lz4().compressFrameSync(data);
    case 'zstd':
      return zlib.zstdCompressSync(data, zstdOptions(options));
  }
}

export async function compress(codec: number, data: Buffer, options?: CompressOptions): Promise<Buffer> {
  switch (compressionName(codec)) {
    case 'none':
      return data;
    case 'gzip':
      return zlibAsync(zlib.gzip, data, gzipOptions(options));
    case 'snappy':
      return frameXerial(await Promise.all(splitBlocks(data).map((block) => snappy().compress(block))));
    case 'lz4':
      return lz4().compressFrame(data);
    case 'zstd':
      return zlibAsync(zlib.zstdCompress, data, zstdOptions(options));
  }
}

/** The decompressed size snappy data announces: a varint before each raw block. */
function snappyLength(data: Buffer): number {
  if (!isXerialFramed(data)) return readUVarint(data, 0).value;
  let total = 0;
  for (const block of unframeXerial(data)) total += readUVarint(block, 0).value;
  return total;
}

/** LZ4's largest block (4 MiB): how far an honest frame's size bound can exceed its content. */
const LZ4_LARGEST_BLOCK = 4 << 20;

/** MESSAGE_TOO_LARGE; `size` is what is known of the output size, if anything. */
function tooLarge(name: CompressionName, limit: number, size?: string, cause?: unknown): RecordBatchError {
  const what = size === undefined ? `more than ${limit} bytes` : `${size} bytes, over the limit of ${limit}`;
  return new RecordBatchError('MESSAGE_TOO_LARGE', `${name} data decompresses to ${what}`, { cause });
}

/**
 * Refuses, before decompressing, data announcing more output than `limit`: snappy states its exact
 * size; an LZ4 frame only bounds it (a compressed block may hold up to its frame's block size), so LZ4
 * is refused only beyond limit + one largest block, and checked exactly after decompressing. gzip and
 * zstd are stopped by zlib while inflating (maxOutputLength).
 */
function checkDeclaredSize(name: CompressionName, data: Buffer, limit: number | undefined): void {
  if (limit === undefined) return;
  if (name === 'snappy') {
    const size = data.length === 0 ? 0 : snappyLength(data);
    if (size > limit) throw tooLarge(name, limit, String(size));
  } else if (name === 'lz4') {
    const bound = lz4DecompressedBound(data);
    if (bound > limit + LZ4_LARGEST_BLOCK) throw tooLarge(name, limit, `up to ${bound}`);
  }
}

function checkOutputSize(name: CompressionName, output: Buffer, limit: number | undefined): Buffer {
  if (limit !== undefined && output.length > limit) throw tooLarge(name, limit, String(output.length));
  return output;
}

function decompressionFailure(
  name: CompressionName,
  cause: unknown,
  limit: number | undefined,
): RecordBatchError {
  if (cause instanceof RecordBatchError) return cause;
  if (limit !== undefined && (cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
    return tooLarge(name, limit, undefined, cause);
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RecordBatchError('CORRUPT_MESSAGE', `failed to decompress ${name} records: ${reason}`, {
    cause,
  });
}

function snappyBlocks(data: Buffer): Buffer[] {
  if (data.length === 0) return [];
  return isXerialFramed(data) ? unframeXerial(data) : [data];
}

function limitOptions(options: DecompressOptions | undefined): { maxOutputLength?: number } {
  return options?.maxOutputLength === undefined ? {} : { maxOutputLength: options.maxOutputLength };
}

export function decompressSync(codec: number, data: Buffer, options?: DecompressOptions): Buffer {
  const name = compressionName(codec);
  if (name === 'none') return data;
  try {
    checkDeclaredSize(name, data, options?.maxOutputLength);
    switch (name) {
      case 'gzip':
        return zlib.gunzipSync(data, limitOptions(options));
      case 'snappy':
        return Buffer.concat(snappyBlocks(data).map((block) => snappy().uncompressSync(block) as Buffer));
      case 'lz4':
        return checkOutputSize(name, lz4().decompressFrameSync(data), options?.maxOutputLength);
      case 'zstd':
        return zlib.zstdDecompressSync(data, limitOptions(options));
    }
  } catch (error) {
    throw decompressionFailure(name, error, options?.maxOutputLength);
  }
}

export async function decompress(codec: number, data: Buffer, options?: DecompressOptions): Promise<Buffer> {
  const name = compressionName(codec);
  if (name === 'none') return data;
  try {
    checkDeclaredSize(name, data, options?.maxOutputLength);
    switch (name) {
      case 'gzip':
        return await zlibAsync(zlib.gunzip, data, limitOptions(options));
      case 'snappy': {
        const blocks = snappyBlocks(data).map((block) => snappy().uncompress(block) as Promise<Buffer>);
        return Buffer.concat(await Promise.all(blocks));
      }
      case 'lz4':
        return checkOutputSize(name, await lz4().decompressFrame(data), options?.maxOutputLength);
      case 'zstd':
        return await zlibAsync(zlib.zstdDecompress, data, limitOptions(options));
    }
  } catch (error) {
    throw decompressionFailure(name, error, options?.maxOutputLength);
  }
}

type ZlibCallbackFn<O> = (
  data: Buffer,
  options: O,
  callback: (error: Error | null, result: Buffer) => void,
) => void;

function zlibAsync<O>(fn: ZlibCallbackFn<O>, data: Buffer, options: O): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fn(data, options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
