// A deterministic record set for the real-client compat tests, and the check that what a client
// consumed is exactly what was produced. Pure: no I/O, so every client test shares one definition of
// "the same records came back".
import assert from 'node:assert/strict';
import { seededRandom } from './random.ts';

export type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
/** Indexed by the codec id of a record batch's attributes (bits 0–2). */
export const ALL_CODECS: readonly Codec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export type Header = [key: string, value: Buffer];

export interface TestRecord {
  /** Position in the generated set; producers send records in this order. */
  index: number;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
  /** CreateTime the producer sets, in ms since the epoch. */
  timestamp: number;
  /** Compression of the producer call that sends this record. */
  codec: Codec;
}

export interface RecordSetOptions {
  seed: number;
  count: number;
  partitions: number;
  /** Timestamps are spread around this instant (ms); keep it recent so retention never deletes them. */
  baseTimestamp: number;
  /** Codecs in production order: the set is cut into equal contiguous runs, one per codec. */
  codecs: readonly Codec[];
  /**
   * 'varied': 0–3 headers per record with repeated keys and binary values; a fixed list: the same
   * headers on every record (tools such as kcat -H); 'none': no headers.
   */
  headers: 'varied' | 'none' | readonly Header[];
  /** Printable ASCII only, without ':' (line-based tools such as kcat need it). */
  text?: boolean;
  /** Allow empty (zero-length, non-null) keys and values; kcat -Z cannot tell them from null. */
  empty?: boolean;
  /** No header key twice in one record (kafkajs takes headers as an object). */
  distinctHeaderKeys?: boolean;
  /** Give every record a key or a value (kafka-python refuses records with neither). */
  keyOrValue?: boolean;
}

const TEXT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -_.,;!?@#%&*()[]{}+=~';
const HEADER_KEYS = ['trace-id', 'source', 'ünïcode-kéy', 'seq', 'empty'];

export function generateRecords(options: RecordSetOptions): TestRecord[] {
  const random = seededRandom(options.seed);
  const { int } = random;
  const bytes = (length: number) => {
    if (!options.text) return random.bytes(length);
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = TEXT_ALPHABET.charCodeAt(int(0, TEXT_ALPHABET.length - 1));
    return out;
  };
  const nullable = (nullOneIn: number, length: () => number) => {
    if (int(1, nullOneIn) === 1) return null;
    if (options.empty && int(1, 50) === 1) return Buffer.alloc(0);
    return bytes(length());
  };

  const records: TestRecord[] = [];
  for (let index = 0; index < options.count; index++) {
    const keyLength = () => int(1, 24);
    let key = nullable(8, keyLength);
    // Mostly small values, now and then one large enough to span several network reads.
    const value = nullable(11, () => (int(1, 300) === 1 ? int(4096, 20000) : int(1, 300)));
    if (options.keyOrValue && key === null && value === null) key = bytes(keyLength());
    let headers: Header[];
    if (options.headers === 'none') headers = [];
    else if (options.headers === 'varied') {
      headers = [];
      for (let h = int(0, 3); h > 0; h--) {
        const name = HEADER_KEYS[int(0, HEADER_KEYS.length - 1)];
        if (options.distinctHeaderKeys && headers.some(([taken]) => taken === name)) continue;
        headers.push([name, name === 'empty' ? Buffer.alloc(0) : bytes(int(1, 16))]);
      }
    } else headers = options.headers.map(([name, headerValue]) => [name, Buffer.from(headerValue)]);
    records.push({
      index,
      partition: int(0, options.partitions - 1),
      key,
      value,
      headers,
      // Not monotonic on purpose: brokers must keep each record's own timestamp.
      timestamp: options.baseTimestamp + index * 3 + int(-2000, 2000),
      codec: options.codecs[Math.floor((index * options.codecs.length) / options.count)],
    });
  }
  return records;
}

/**
 * The set the round-trip compat tests send: every codec in turn, 0–3 varied headers, empty keys and
 * values among the null ones. The remaining options adapt it to what a client cannot send.
 */
export function roundTripRecords(
  options: Omit<RecordSetOptions, 'codecs' | 'headers' | 'empty'>,
): TestRecord[] {
  return generateRecords({ ...options, codecs: ALL_CODECS, headers: 'varied', empty: true });
}

/** Contiguous runs of records sharing a codec, in production order. */
export function runsByCodec(records: readonly TestRecord[]): Array<{ codec: Codec; records: TestRecord[] }> {
  const runs: Array<{ codec: Codec; records: TestRecord[] }> = [];
  for (const record of records) {
    const last = runs.at(-1);
    if (last?.codec === record.codec) last.records.push(record);
    else runs.push({ codec: record.codec, records: [record] });
  }
  return runs;
}

/** One producer call: records of one codec, and the acknowledgement the broker owes for them. */
export interface ProducerCall {
  codec: Codec;
  records: TestRecord[];
  /** Per partition, the base offset its acknowledgement must carry: the records earlier calls sent to it. */
  baseOffsets: number[];
}

/** The records cut into producer calls, in production order: one codec and at most `maxRecords` each. */
export function producerCalls(
  records: readonly TestRecord[],
  partitions: number,
  maxRecords: number,
): ProducerCall[] {
  const sent = new Array<number>(partitions).fill(0);
  const calls: ProducerCall[] = [];
  for (const { codec, records: run } of runsByCodec(records)) {
    for (let start = 0; start < run.length; start += maxRecords) {
      const slice = run.slice(start, start + maxRecords);
      calls.push({ codec, records: slice, baseOffsets: [...sent] });
      for (const record of slice) sent[record.partition]++;
    }
  }
  return calls;
}

export type TimestampType = 'create' | 'log-append';

export interface ConsumedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  /** When the client exposes it. */
  timestampType?: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  /** Compression of the stored batch, when the client exposes it. */
  codec?: Codec;
}

export type TimestampRule =
  /** The producer set CreateTime per record: it must come back exactly. */
  | { kind: 'producer-set' }
  /** The client library stamped CreateTime itself: it must fall inside the test's window. */
  | { kind: 'client-now'; from: number; to: number }
  /** The topic uses LogAppendTime: broker time inside the test's window, whatever the producer set. */
  | { kind: 'log-append'; from: number; to: number };

export interface CheckOptions {
  partitions: number;
  timestamps: TimestampRule;
}

/**
 * Asserts that the producer's delivery reports ([partition, offset], in report order) give each
 * partition the offsets 0, 1, 2… — what the broker acknowledged, before anything is read back.
 */
export function checkDeliveredOffsets(
  expected: readonly TestRecord[],
  delivered: ReadonlyArray<readonly [number, number]>,
  partitions: number,
): void {
  for (let partition = 0; partition < partitions; partition++) {
    const offsets = delivered.filter(([p]) => p === partition).map(([, offset]) => offset);
    const wrong = offsets.findIndex((offset, i) => offset !== i);
    if (wrong !== -1)
      assert.fail(`partition ${partition}: delivery report #${wrong} has offset ${offsets[wrong]}`);
    const want = expected.filter((record) => record.partition === partition).length;
    if (offsets.length !== want) {
      assert.fail(`partition ${partition}: ${offsets.length} delivery reports, expected ${want}`);
    }
  }
}

function show(buffer: Buffer | null): string {
  if (buffer === null) return 'null';
  const preview = buffer.subarray(0, 24).toString('hex');
  return `${buffer.length} bytes 0x${preview}${buffer.length > 24 ? '…' : ''}`;
}

function showHeaders(headers: ReadonlyArray<readonly [string, Buffer | null]>): string {
  return `[${headers.map(([name, value]) => `${JSON.stringify(name)}=${show(value)}`).join(', ')}]`;
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** Why `got` is not the record `want` at position `position` of its partition, or undefined. */
function difference(
  want: TestRecord,
  got: ConsumedRecord,
  position: number,
  rule: TimestampRule,
): string | undefined {
  if (got.offset !== position)
    return `offset ${got.offset}, expected ${position} (offsets must be contiguous from 0)`;
  if (!sameBytes(want.key, got.key)) return `key ${show(got.key)}, expected ${show(want.key)}`;
  if (!sameBytes(want.value, got.value)) return `value ${show(got.value)}, expected ${show(want.value)}`;
  const headersMatch =
    want.headers.length === got.headers.length &&
    want.headers.every(
      ([name, value], i) => got.headers[i][0] === name && sameBytes(value, got.headers[i][1]),
    );
  if (!headersMatch) return `headers ${showHeaders(got.headers)}, expected ${showHeaders(want.headers)}`;
  const wantType: TimestampType = rule.kind === 'log-append' ? 'log-append' : 'create';
  if (got.timestampType !== undefined && got.timestampType !== wantType) {
    return `timestamp type ${got.timestampType}, expected ${wantType}`;
  }
  if (rule.kind === 'producer-set') {
    if (got.timestamp !== want.timestamp) return `timestamp ${got.timestamp}, expected ${want.timestamp}`;
  } else if (got.timestamp < rule.from || got.timestamp > rule.to) {
    return `timestamp ${got.timestamp} outside the test's window [${rule.from}, ${rule.to}] (${rule.kind})`;
  }
  if (got.codec !== undefined && got.codec !== want.codec)
    return `stored batch codec ${got.codec}, expected ${want.codec}`;
  return undefined;
}

/**
 * Asserts that `consumed` holds exactly `expected`: per partition, the same records in production
 * order at offsets 0, 1, 2…, with the timestamps `rule` demands. Fails on the first difference,
 * naming partition, offset and generated record. Returns the record count per partition.
 */
export function checkRecords(
  expected: readonly TestRecord[],
  consumed: readonly ConsumedRecord[],
  options: CheckOptions,
): number[] {
  const stray = consumed.find((record) => record.partition < 0 || record.partition >= options.partitions);
  if (stray)
    assert.fail(`consumed a record from partition ${stray.partition}, the topic has ${options.partitions}`);
  const counts: number[] = [];
  for (let partition = 0; partition < options.partitions; partition++) {
    const want = expected.filter((record) => record.partition === partition);
    const got = consumed.filter((record) => record.partition === partition);
    for (let i = 0; i < Math.min(want.length, got.length); i++) {
      const why = difference(want[i], got[i], i, options.timestamps);
      if (why) {
        assert.fail(
          `partition ${partition}, record #${i} (generated record ${want[i].index}, codec ${want[i].codec}): ${why}`,
        );
      }
    }
    if (got.length !== want.length) {
      const detail =
        got.length < want.length
          ? `first missing: generated record ${want[got.length].index} at offset ${got.length}`
          : `first extra at offset ${got[want.length].offset}`;
      assert.fail(
        `partition ${partition}: consumed ${got.length} records, expected ${want.length} (${detail})`,
      );
    }
    counts.push(got.length);
  }
  return counts;
}
