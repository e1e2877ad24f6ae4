// Kafka's coordinator record format, the framing every record of __consumer_offsets shares: a key is an
// int16 record type followed by that type's key struct, a value is an int16 version followed by the
// value struct of that version (a null value is a tombstone). The structs are written as message
// schemas for the project's generic codec; each family of records keeps its own next to its logic
// (coordinator-records.ts: offsets and classic groups; consumer/record-codec.ts: consumer groups).
import { decodeMessage, encodeMessage, type Message } from '../../protocol/codec.ts';
import { MalformedMessageError, Reader } from '../../protocol/primitives/reader.ts';
import { Writer } from '../../protocol/primitives/writer.ts';
import type { FieldSchema, MessageSchema } from '../../protocol/schema/types.ts';

/** The version range of a field present in every version of its struct. */
export const ALL_VERSIONS: [number, number] = [0, 0x7fff];

/** A field of a record struct, in every version unless `extra.versions` narrows it. */
export function field(name: string, type: string, extra: Partial<FieldSchema> = {}): FieldSchema {
  return { name, type, versions: ALL_VERSIONS, ...extra };
}

/** The record type of a key (its leading int16). */
export function recordTypeOf(key: Buffer): number {
  return key.readInt16BE(0);
}

/**
 * A key or a value: `version` (the key's record type, the value's version) as an int16, then `body` as
 * `schema` encodes it at `schemaVersion`, by default `version` itself.
 */
export function encodeVersioned(
  version: number,
  schema: MessageSchema,
  body: Message,
  schemaVersion = version,
): Buffer {
  const writer = new Writer();
  writer.int16(version);
  return encodeMessage(schema, schemaVersion, body, writer).toBuffer();
}

/**
 * Reads a key or a value written by encodeVersioned: its leading int16, and the struct after it as
 * `schema` decodes it at `schemaVersion` (by default that int16), which must be a version the schema knows.
 */
export function decodeVersioned(
  part: Buffer,
  schema: MessageSchema,
  schemaVersion?: number,
): { version: number; message: Message } {
  const reader = new Reader(part);
  const version = reader.int16();
  const readAs = schemaVersion ?? version;
  const [min, max] = schema.validVersions!;
  if (version < 0 || readAs < min || readAs > max) {
    throw new MalformedMessageError(`${schema.name} version ${version} is not known`);
  }
  return { version, message: decodeMessage(schema, readAs, reader) };
}
