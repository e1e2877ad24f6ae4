// The one generic codec for every Kafka message: a schema (generated from Kafka's definitions) and a
// version are compiled once into a decoder and an encoder closure, then cached. Flexible versions use
// compact lengths and tagged fields; non-flexible versions use int16/int32 lengths.
import { MalformedMessageError, type Reader } from './primitives/reader.ts';
import { Writer } from './primitives/writer.ts';
import type { FieldSchema, MessageSchema, VersionRange } from './schema/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: decoded messages are shaped by the schema at run time.
export type Message = Record<string, any>;
type Decode = (r: Reader) => unknown;
type Encode = (w: Writer, value: unknown) => void;

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function inRange(range: VersionRange | null | undefined, version: number): boolean {
  return !!range && version >= range[0] && version <= range[1];
}

function defaultValue(field: FieldSchema, version: number): unknown {
  const d = field.default;
  if (field.array) return d === null ? null : [];
  if (d !== undefined) {
    if (d === null) return null;
    if (field.type === 'int64') return BigInt(d as string);
    return d;
  }
  switch (field.type) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return ZERO_UUID;
    case 'struct':
      return inRange(field.nullable, version) ? null : defaults(field.fields!, version);
    default:
      return 0;
  }
}

function defaults(fields: FieldSchema[], version: number): Message {
  const out: Message = {};
  for (const f of fields) out[f.name] = defaultValue(f, version);
  return out;
}

function isDefault(field: FieldSchema, version: number, value: unknown): boolean {
  if (value === undefined) return true;
  const d = defaultValue(field, version);
  if (Array.isArray(value)) return Array.isArray(d) && value.length === 0;
  if (Buffer.isBuffer(value)) return Buffer.isBuffer(d) && value.length === 0;
  // A struct is at its default when each of its fields is (the decoder fills absent tagged structs so).
  if (value !== null && typeof value === 'object') {
    return (
      field.type === 'struct' && field.fields!.every((f) => isDefault(f, version, (value as Message)[f.name]))
    );
  }
  return value === d;
}

// ---------- decoding ----------

function lengthOf(r: Reader, flexible: boolean, wide: boolean): number {
  if (flexible) return r.uvarint() - 1;
  return wide ? r.int32() : r.int16();
}

function scalarDecoder(field: FieldSchema, version: number, flexible: boolean): Decode {
  const nullable = inRange(field.nullable, version) || field.type === 'records';
  const where = field.name;
  switch (field.type) {
    case 'bool':
      return (r) => r.bool();
    case 'int8':
      return (r) => r.int8();
    case 'int16':
      return (r) => r.int16();
    case 'uint16':
      return (r) => r.uint16();
    case 'int32':
      return (r) => r.int32();
    case 'int64':
      return (r) => r.int64();
    case 'float64':
      return (r) => r.float64();
    case 'uuid':
      return (r) => r.bytes(16).toString('base64url');
    case 'string':
      return (r) => {
        const n = lengthOf(r, flexible, false);
        if (n < 0) {
          if (nullable) return null;
          throw new MalformedMessageError(`${where}: null string where the schema forbids it`);
        }
        return r.utf8(n);
      };
    case 'bytes':
    case 'records':
      return (r) => {
        const n = lengthOf(r, flexible, true);
        if (n < 0) {
          if (nullable) return null;
          throw new MalformedMessageError(`${where}: null bytes where the schema forbids it`);
        }
        return r.bytes(n);
      };
    default:
      throw new Error(`no decoder for type ${field.type}`);
  }
}

function fieldDecoder(field: FieldSchema, version: number, flexible: boolean): Decode {
  const fieldFlexible = field.flexible === undefined ? flexible : inRange(field.flexible, version);
  const element =
    field.type === 'struct'
      ? structDecoder(field.fields!, version, flexible)
      : scalarDecoder(field, version, fieldFlexible);
  const nullable = inRange(field.nullable, version);
  if (field.array) {
    const where = field.name;
    return (r) => {
      const n = lengthOf(r, fieldFlexible, true);
      if (n < 0) {
        if (nullable) return null;
        throw new MalformedMessageError(`${where}: null array where the schema forbids it`);
      }
      // Each element takes at least one byte: a count larger than what is left is a lie, not a reason
      // to allocate a huge array.
      if (n > r.remaining) throw new MalformedMessageError(`${where}: array of ${n} in ${r.remaining} bytes`);
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = element(r);
      return out;
    };
  }
  if (field.type === 'struct' && nullable) {
    return (r) => (r.int8() < 0 ? null : element(r));
  }
  return element;
}

function structDecoder(fields: FieldSchema[], version: number, flexible: boolean): Decode {
  const plain: { name: string; decode: Decode }[] = [];
  const tagged = new Map<number, { name: string; decode: Decode }>();
  const absent: { name: string; value: () => unknown }[] = [];
  for (const f of fields) {
    if (flexible && f.tag !== undefined && inRange(f.tagged, version)) {
      tagged.set(f.tag, { name: f.name, decode: fieldDecoder(f, version, flexible) });
      absent.push({ name: f.name, value: () => defaultValue(f, version) });
    } else if (inRange(f.versions, version)) {
      plain.push({ name: f.name, decode: fieldDecoder(f, version, flexible) });
    } else {
      absent.push({ name: f.name, value: () => defaultValue(f, version) });
    }
  }
  return (r) => {
    const out: Message = {};
    for (const a of absent) out[a.name] = a.value();
    for (const p of plain) out[p.name] = p.decode(r);
    if (flexible) readTaggedFields(r, tagged, out);
    return out;
  };
}

function readTaggedFields(
  r: Reader,
  known: Map<number, { name: string; decode: Decode }>,
  out: Message,
): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const field = known.get(tag);
    if (!field) {
      r.skip(size);
      continue;
    }
    const end = r.pos + size;
    out[field.name] = field.decode(r);
    if (r.pos !== end)
      throw new MalformedMessageError(`tagged field ${tag} (${field.name}) has a wrong size`);
  }
}

// ---------- encoding ----------

function writeLength(w: Writer, n: number, flexible: boolean, wide: boolean): void {
  if (flexible) w.uvarint(n + 1);
  else if (wide) w.int32(n);
  else w.int16(n);
}

function scalarEncoder(field: FieldSchema, version: number, flexible: boolean): Encode {
  const nullable = inRange(field.nullable, version) || field.type === 'records';
  const where = field.name;
  const nullCheck = () => {
    if (!nullable) throw new Error(`${where} is null but not nullable in version ${version}`);
  };
  switch (field.type) {
    case 'bool':
      return (w, v) => w.bool(v as boolean);
    case 'int8':
      return (w, v) => w.int8(v as number);
    case 'int16':
      return (w, v) => w.int16(v as number);
    case 'uint16':
      return (w, v) => w.uint16(v as number);
    case 'int32':
      return (w, v) => w.int32(v as number);
    case 'int64':
      return (w, v) => w.int64(typeof v === 'bigint' ? v : BigInt(v as number));
    case 'float64':
      return (w, v) => w.float64(v as number);
    case 'uuid':
      return (w, v) => w.raw(Buffer.from(v as string, 'base64url'));
    case 'string':
      return (w, v) => {
        if (v === null) {
          nullCheck();
          return writeLength(w, -1, flexible, false);
        }
        const s = v as string;
        const n = Buffer.byteLength(s, 'utf8');
        writeLength(w, n, flexible, false);
        w.utf8(s, n);
      };
    case 'bytes':
    case 'records':
      return (w, v) => {
        if (v === null) {
          nullCheck();
          return writeLength(w, -1, flexible, true);
        }
        const chunks = Array.isArray(v) ? (v as Buffer[]) : [v as Buffer];
        let n = 0;
        for (const c of chunks) n += c.length;
        writeLength(w, n, flexible, true);
        for (const c of chunks) w.raw(c);
      };
    default:
      throw new Error(`no encoder for type ${field.type}`);
  }
}

function fieldEncoder(field: FieldSchema, version: number, flexible: boolean): Encode {
  const fieldFlexible = field.flexible === undefined ? flexible : inRange(field.flexible, version);
  const element =
    field.type === 'struct'
      ? structEncoder(field.fields!, version, flexible)
      : scalarEncoder(field, version, fieldFlexible);
  const nullable = inRange(field.nullable, version);
  const where = field.name;
  if (field.array) {
    return (w, v) => {
      if (v === null) {
        if (!nullable) throw new Error(`${where} is null but not nullable in version ${version}`);
        return writeLength(w, -1, fieldFlexible, true);
      }
      const items = v as unknown[];
      writeLength(w, items.length, fieldFlexible, true);
      for (const item of items) element(w, item);
    };
  }
  if (field.type === 'struct' && nullable) {
    return (w, v) => {
      if (v === null) return w.int8(-1);
      w.int8(1);
      element(w, v);
    };
  }
  return element;
}

function structEncoder(fields: FieldSchema[], version: number, flexible: boolean): Encode {
  const plain: { field: FieldSchema; encode: Encode }[] = [];
  const tagged: { field: FieldSchema; encode: Encode }[] = [];
  for (const f of fields) {
    if (flexible && f.tag !== undefined && inRange(f.tagged, version)) {
      tagged.push({ field: f, encode: fieldEncoder(f, version, flexible) });
    } else if (inRange(f.versions, version)) {
      plain.push({ field: f, encode: fieldEncoder(f, version, flexible) });
    }
  }
  tagged.sort((a, b) => a.field.tag! - b.field.tag!);
  return (w, value) => {
    const obj = (value ?? {}) as Message;
    for (const { field, encode } of plain) {
      const v = obj[field.name];
      encode(w, v === undefined ? defaultValue(field, version) : v);
    }
    if (flexible) writeTaggedFields(w, obj, tagged, version);
  };
}

function writeTaggedFields(
  w: Writer,
  obj: Message,
  tagged: { field: FieldSchema; encode: Encode }[],
  version: number,
): void {
  const present = tagged.filter(({ field }) => !isDefault(field, version, obj[field.name]));
  w.uvarint(present.length);
  for (const { field, encode } of present) {
    const inner = new Writer(64);
    encode(inner, obj[field.name]);
    w.uvarint(field.tag!);
    w.uvarint(inner.length);
    for (const chunk of inner.chunksOut()) w.raw(chunk);
  }
}

// ---------- compiled, cached entry points ----------

interface Compiled {
  decode: (r: Reader) => Message;
  encode: (w: Writer, value: Message) => void;
}

const cache = new WeakMap<MessageSchema, Map<number, Compiled>>();

export function isFlexible(schema: MessageSchema, version: number): boolean {
  return inRange(schema.flexibleVersions, version);
}

export function compile(schema: MessageSchema, version: number): Compiled {
  let byVersion = cache.get(schema);
  if (!byVersion) {
    byVersion = new Map();
    cache.set(schema, byVersion);
  }
  let compiled = byVersion.get(version);
  if (!compiled) {
    const flexible = isFlexible(schema, version);
    compiled = {
      decode: structDecoder(schema.fields, version, flexible) as (r: Reader) => Message,
      encode: structEncoder(schema.fields, version, flexible),
    };
    byVersion.set(version, compiled);
  }
  return compiled;
}

export function decodeMessage(schema: MessageSchema, version: number, r: Reader): Message {
  return compile(schema, version).decode(r);
}

export function encodeMessage(
  schema: MessageSchema,
  version: number,
  value: Message,
  w = new Writer(),
): Writer {
  compile(schema, version).encode(w, value);
  return w;
}
