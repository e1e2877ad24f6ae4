// Generates src/protocol/schema/messages.generated.ts from Kafka's message definitions
// (../shared/kafka-protocol/messages/*.json). The output is committed; running this again on the same
// input reproduces it byte for byte. Usage: npm run generate [-- --check]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDED_MESSAGES, AMENDMENTS, type MessageAmendment } from './protocol-amendments.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const messagesDir = join(root, '..', 'shared', 'kafka-protocol', 'messages');
const outFile = join(root, 'src', 'protocol', 'schema', 'messages.generated.ts');

const MAX_VERSION = 0x7fff;

type Range = [number, number];

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  flexibleVersions?: string;
  default?: string | number | boolean;
  fields?: JsonField[];
}

interface JsonMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: JsonField[];
  commonStructs?: { name: string; versions: string; fields: JsonField[] }[];
  listeners?: string[];
}

interface Field {
  name: string;
  type: string;
  array?: true;
  fields?: Field[];
  versions: Range;
  nullable?: Range;
  tag?: number;
  tagged?: Range;
  flexible?: Range | null;
  default?: string | number | boolean | null;
}

const PRIMITIVES = new Set([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
]);

function parseRange(text: string): Range | null {
  const t = text.trim();
  if (t === 'none') return null;
  if (t.endsWith('+')) return [Number(t.slice(0, -1)), MAX_VERSION];
  const [lo, hi] = t.split('-');
  return [Number(lo), Number(hi ?? lo)];
}

function camel(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

/** Kafka's JSON files carry `//` licence and comment lines, which JSON.parse rejects. */
function readDefinition(file: string): JsonMessage {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  const msg = JSON.parse(text) as JsonMessage;
  const amendment = AMENDMENTS[msg.name];
  if (amendment) amend(msg, amendment);
  return msg;
}

/** The field list holding the field at `path` (dot separated), and that field's index in it. */
function locate(msg: JsonMessage, path: string): { siblings: JsonField[]; index: number } {
  const names = path.split('.');
  let siblings = msg.fields;
  for (const [depth, name] of names.entries()) {
    const index = siblings.findIndex((f) => f.name === name);
    if (index < 0) throw new Error(`amendment of ${msg.name}: no field ${path}`);
    if (depth === names.length - 1) return { siblings, index };
    const nested = siblings[index].fields;
    if (!nested) throw new Error(`amendment of ${msg.name}: ${name} has no fields`);
    siblings = nested;
  }
  throw new Error(`amendment of ${msg.name}: empty path`);
}

/** Applies one of Nagare's amendments (scripts/protocol-amendments.ts) to a parsed definition. */
function amend(msg: JsonMessage, amendment: MessageAmendment): void {
  msg.validVersions = amendment.validVersions;
  for (const [path, versions] of Object.entries(amendment.fieldVersions ?? {})) {
    const { siblings, index } = locate(msg, path);
    siblings[index].versions = versions;
  }
  for (const { after, field } of amendment.addFields ?? []) {
    const { siblings, index } = locate(msg, after);
    siblings.splice(index + 1, 0, { ...field });
  }
}

function convertDefault(field: JsonField, type: string): Field['default'] {
  const raw = field.default;
  if (raw === undefined) return undefined;
  if (raw === 'null') return null;
  if (type === 'bool') return raw === true || raw === 'true';
  if (type === 'string') return String(raw);
  if (type === 'int64') return String(raw); // kept as text; the codec turns it into a bigint
  return Number(raw);
}

function convertFields(fields: JsonField[], structs: Map<string, JsonField[]>): Field[] {
  return fields.map((f) => {
    const isArray = f.type.startsWith('[]');
    const elem = isArray ? f.type.slice(2) : f.type;
    const out: Field = {
      name: camel(f.name),
      type: PRIMITIVES.has(elem) ? elem : 'struct',
      versions: [0, 0],
    };
    out.versions = parseRange(f.versions) ?? [0, -1];
    if (isArray) out.array = true;
    if (out.type === 'struct') {
      const nested = f.fields ?? structs.get(elem);
      if (!nested) throw new Error(`unknown struct type ${elem} in field ${f.name}`);
      out.fields = convertFields(nested, structs);
    }
    if (f.nullableVersions) {
      const r = parseRange(f.nullableVersions);
      if (r) out.nullable = r;
    }
    if (f.tag !== undefined) {
      out.tag = Number(f.tag);
      out.tagged = parseRange(f.taggedVersions ?? f.versions) ?? undefined;
    }
    if (f.flexibleVersions !== undefined) out.flexible = parseRange(f.flexibleVersions);
    const def = convertDefault(f, elem);
    if (def !== undefined) out.default = def;
    return out;
  });
}

function tsType(field: Field, indent: string): string {
  let base: string;
  switch (field.type) {
    case 'bool':
      base = 'boolean';
      break;
    case 'int64':
      base = 'bigint';
      break;
    case 'string':
    case 'uuid':
      base = 'string';
      break;
    case 'bytes':
    case 'records':
      base = 'Buffer';
      break;
    case 'struct':
      base = `{\n${tsFields(field.fields!, `${indent}  `, false)}${indent}}`;
      break;
    default:
      base = 'number';
  }
  if (field.array) base = field.type === 'struct' ? `Array<${base}>` : `${base}[]`;
  const nullable = field.nullable || field.type === 'records';
  return nullable ? `${base} | null` : base;
}

function tsFields(fields: Field[], indent: string, optional: boolean): string {
  return fields.map((f) => `${indent}${f.name}${optional ? '?' : ''}: ${tsType(f, indent)};\n`).join('');
}

function typeName(message: JsonMessage): string {
  return message.name;
}

function main(): void {
  const check = process.argv.includes('--check');
  const files = readdirSync(messagesDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const apis = new Map<number, { request?: JsonMessage; response?: JsonMessage }>();
  const headers: JsonMessage[] = [];
  const added: JsonMessage[] = ADDED_MESSAGES.map((m) => structuredClone(m));
  for (const msg of [...files.map((file) => readDefinition(join(messagesDir, file))), ...added]) {
    if (msg.type === 'header') headers.push(msg);
    if ((msg.type === 'request' || msg.type === 'response') && msg.apiKey !== undefined) {
      const entry = apis.get(msg.apiKey) ?? {};
      entry[msg.type] = msg;
      apis.set(msg.apiKey, entry);
    }
  }

  const schemaOf = (msg: JsonMessage) => {
    const structs = new Map((msg.commonStructs ?? []).map((s) => [s.name, s.fields]));
    return {
      name: msg.name,
      validVersions: parseRange(msg.validVersions),
      flexibleVersions: parseRange(msg.flexibleVersions),
      fields: convertFields(msg.fields, structs),
    };
  };

  const lines: string[] = [];
  lines.push("// Generated by scripts/generate-protocol.ts from Kafka's message definitions. Do not edit.");
  lines.push('// Versions newer than ../shared are amended by scripts/protocol-amendments.ts.');
  lines.push('// Regenerate with `npm run generate`.');
  lines.push("import type { ApiSchema, MessageSchema } from './types.ts';");
  lines.push('');
  const keys = [...apis.keys()].sort((a, b) => a - b);
  const apiEntries: string[] = [];
  for (const key of keys) {
    const { request, response } = apis.get(key)!;
    if (!request || !response) continue;
    const name = request.name.replace(/Request$/, '');
    const listeners = JSON.stringify(request.listeners ?? []);
    apiEntries.push(
      `  ${key}: { apiKey: ${key}, name: '${name}', listeners: ${listeners}, request: ${JSON.stringify(schemaOf(request))}, response: ${JSON.stringify(schemaOf(response))} },`,
    );
  }
  lines.push('export const APIS: Record<number, ApiSchema> = {');
  lines.push(...apiEntries);
  lines.push('};');
  lines.push('');
  for (const header of headers.sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`export const ${header.name}: MessageSchema = ${JSON.stringify(schemaOf(header))};`);
  }
  lines.push('');
  lines.push('export const API_KEYS = {');
  for (const key of keys) {
    const { request, response } = apis.get(key)!;
    if (request && response) lines.push(`  ${request.name.replace(/Request$/, '')}: ${key},`);
  }
  lines.push('} as const;');
  lines.push('');
  for (const key of keys) {
    const { request, response } = apis.get(key)!;
    if (!request || !response) continue;
    for (const [msg, optional] of [
      [request, false],
      [response, true],
    ] as const) {
      const schema = schemaOf(msg);
      lines.push(`export interface ${typeName(msg)} {\n${tsFields(schema.fields, '  ', optional)}}`);
    }
  }
  lines.push('');
  const output = lines.join('\n');
  if (check) {
    const current = readFileSync(outFile, 'utf8');
    if (current !== output) {
      console.error(`${outFile} is out of date: run npm run generate`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(outFile, output);
  console.log(`wrote ${apiEntries.length} APIs to ${outFile}`);
}

main();
