// The framing snappy-java's SnappyOutputStream puts around raw snappy blocks, which the Java Kafka
// client (and so most of the ecosystem) writes for snappy-compressed batches:
//   magic 0x82 'SNAPPY' 0x00 | version int32 BE (1) | compatible version int32 BE (1)
//   then chunks: compressed length int32 BE | one raw snappy block (of at most 32 KiB of input).
// A reader must also accept plain raw snappy (librdkafka, kafkajs plugins, @platformatic/kafka write it)
// and, like snappy-java, a second header appearing where a chunk length is expected (concatenated streams).
// Only the framing lives here; the snappy codec itself comes from the `snappy` package.

const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER = Buffer.concat([MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
export const XERIAL_HEADER_SIZE = HEADER.length;
/** snappy-java's default block size, used by the Java producer. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;
/** The first 4 magic bytes read as a chunk length: a concatenated stream's next header. */
const MAGIC_AS_LENGTH = MAGIC.readUInt32BE(0);

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Cuts `data` into consecutive views of at most `size` bytes (none for empty input). */
export function splitBlocks(data: Buffer, size = XERIAL_BLOCK_SIZE): Buffer[] {
  const blocks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) blocks.push(data.subarray(at, at + size));
  return blocks;
}

/** Wraps raw snappy blocks in the xerial framing. */
export function frameXerial(blocks: Buffer[]): Buffer {
  let total = XERIAL_HEADER_SIZE;
  for (const block of blocks) total += 4 + block.length;
  const out = Buffer.allocUnsafe(total);
  HEADER.copy(out, 0);
  let pos = XERIAL_HEADER_SIZE;
  for (const block of blocks) {
    out.writeUInt32BE(block.length, pos);
    pos += 4 + block.copy(out, pos + 4);
  }
  return out;
}

/** The raw snappy blocks of a xerial-framed stream (views into `data`). Throws RangeError if malformed. */
export function unframeXerial(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new RangeError(`xerial snappy: truncated chunk length at ${pos}`);
    const length = data.readUInt32BE(pos);
    if (length === MAGIC_AS_LENGTH && isXerialFramed(data.subarray(pos))) {
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    pos += 4;
    if (pos + length > data.length) {
      throw new RangeError(`xerial snappy: chunk of ${length} bytes at ${pos - 4} overruns the data`);
    }
    blocks.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return blocks;
}
