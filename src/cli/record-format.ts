// `nagare consume --format`: kcat's output format tokens. Keys, values and headers are written as the
// bytes they are (no decoding), so binary payloads survive a pipe.
import { InvalidArgumentError } from 'commander';
import type { ConsumedRecord } from './consumed-record.ts';

type Part = Buffer | ((record: ConsumedRecord) => Buffer);

const EMPTY = Buffer.alloc(0);
const text = (value: string | number | bigint) => Buffer.from(String(value));

function headersText(record: ConsumedRecord): Buffer {
  const parts: Buffer[] = [];
  record.headers.forEach(([name, value], i) => {
    if (i > 0) parts.push(Buffer.from(','));
    parts.push(name ?? EMPTY, Buffer.from('='), value ?? EMPTY);
  });
  return Buffer.concat(parts);
}

const TOKENS: Record<string, (record: ConsumedRecord) => Buffer> = {
  t: (r) => text(r.topic),
  p: (r) => text(r.partition),
  o: (r) => text(r.offset),
  k: (r) => r.key ?? EMPTY,
  v: (r) => r.value ?? EMPTY,
  T: (r) => text(r.timestamp),
  h: headersText,
  K: (r) => text(r.key?.length ?? -1),
  S: (r) => text(r.value?.length ?? -1),
};

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };

export const FORMAT_HELP =
  '%t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,…), %K key length, %S value length, %% a percent sign; \\n \\t \\r \\\\ escapes';

/**
 * Compiles a format. A format without a newline gets one at the end, so that `--format '%k %v'` prints
 * one record per line (kcat requires an explicit \n).
 */
export function compileFormat(format: string): (record: ConsumedRecord) => Buffer {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    const next = format[i + 1];
    if (ch === '%' || ch === '\\') {
      if (next === undefined)
        throw new InvalidArgumentError(`'${ch}' at the end of the format: ${FORMAT_HELP}.`);
      i++;
      if (ch === '%' && next === '%') literal += '%';
      else if (ch === '%' && TOKENS[next]) {
        if (literal !== '') parts.push(Buffer.from(literal));
        literal = '';
        parts.push(TOKENS[next]);
      } else if (ch === '\\' && ESCAPES[next] !== undefined) literal += ESCAPES[next];
      else throw new InvalidArgumentError(`unknown format token '${ch}${next}': ${FORMAT_HELP}.`);
      continue;
    }
    literal += ch;
  }
  const hasNewline = literal.includes('\n') || parts.some((p) => Buffer.isBuffer(p) && p.includes('\n'));
  if (!hasNewline) literal += '\n';
  if (literal !== '') parts.push(Buffer.from(literal));
  return (record) => Buffer.concat(parts.map((part) => (Buffer.isBuffer(part) ? part : part(record))));
}
