// Java .properties text, read exactly as java.util.Properties.load reads it, since users bring Kafka's
// server.properties files: # and ! comments, key=value / key: value / key value, continuation lines
// ending in an odd number of backslashes, and the escapes \t \n \r \f \uXXXX (any other escaped
// character stands for itself).
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.ts';

const BLANK = new Set([' ', '\t', '\f']);

/** A logical line as characters, each with the physical line it came from (for error messages). */
interface LogicalLine {
  chars: string[];
  lines: number[];
}

/**
 * Parses properties text. `source` names the text in errors (a file path). Later duplicates win, as
 * in Java. Throws a ConfigError "source:line: …" for a malformed \uXXXX escape, the one error Java has.
 */
export function parseProperties(text: string, source = '<properties>'): Record<string, string> {
  const result = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const { key, value } = splitKeyValue(line, source);
    result.set(key, value);
  }
  return Object.fromEntries(result);
}

/** Reads a properties file: UTF-8, or ISO-8859-1 (Java's encoding for it) when it is not valid UTF-8. */
export async function loadProperties(path: string): Promise<Record<string, string>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${path}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  return parseProperties(text, path);
}

/**
 * Java's Properties.LineReader, state for state: blank lines and # / ! comments are skipped while the
 * logical line is still empty (even right after a continuation), a line ending in an odd number of
 * backslashes continues on the next one without its leading blanks, and a backslash ending the text is
 * dropped.
 */
function* logicalLines(text: string): Generator<LogicalLine> {
  let current: LogicalLine = { chars: [], lines: [] };
  let skipBlanks = true;
  let continuing = false;
  let escaped = false;
  let skipLineFeed = false;
  let lineNumber = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const at = lineNumber;
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) lineNumber++;
    if (skipLineFeed) {
      skipLineFeed = false;
      if (ch === '\n') continue;
    }
    if (skipBlanks) {
      if (BLANK.has(ch)) continue;
      if (!continuing && (ch === '\r' || ch === '\n')) continue;
      skipBlanks = false;
      continuing = false;
    }
    if (current.chars.length === 0 && (ch === '#' || ch === '!')) {
      while (i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
      skipBlanks = true;
      continue;
    }
    if (ch !== '\n' && ch !== '\r') {
      current.chars.push(ch);
      current.lines.push(at);
      escaped = ch === '\\' ? !escaped : false;
      continue;
    }
    if (current.chars.length === 0) {
      skipBlanks = true;
      continue;
    }
    if (escaped && i + 1 < text.length) {
      // The backslash is not part of the line; the next line's leading blanks are skipped.
      current.chars.pop();
      current.lines.pop();
      skipBlanks = true;
      continuing = true;
      escaped = false;
      skipLineFeed = ch === '\r';
      continue;
    }
    if (escaped) current.chars.pop();
    yield current;
    current = { chars: [], lines: [] };
    skipBlanks = true;
    escaped = false;
  }
  if (current.chars.length > 0) {
    if (escaped) current.chars.pop();
    yield current;
  }
}

function splitKeyValue({ chars, lines }: LogicalLine, source: string): { key: string; value: string } {
  // The key ends at the first unescaped '=', ':' or blank.
  let keyEnd = 0;
  let valueStart = chars.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < chars.length; keyEnd++) {
    const ch = chars[keyEnd];
    if (!escaped && (ch === '=' || ch === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && BLANK.has(ch)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = ch === '\\' ? !escaped : false;
  }
  // Blanks around the separator are dropped, and at most one '=' or ':' after blanks belongs to it.
  for (; valueStart < chars.length; valueStart++) {
    const ch = chars[valueStart];
    if (BLANK.has(ch)) continue;
    if (!hasSeparator && (ch === '=' || ch === ':')) {
      hasSeparator = true;
      continue;
    }
    break;
  }
  return {
    key: decodeEscapes(chars, 0, keyEnd, lines, source),
    value: decodeEscapes(chars, valueStart, chars.length, lines, source),
  };
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
const HEX4 = /^[0-9a-fA-F]{4}$/;

function decodeEscapes(chars: string[], start: number, end: number, lines: number[], source: string): string {
  let out = '';
  for (let i = start; i < end; i++) {
    if (chars[i] !== '\\' || i + 1 >= end) {
      out += chars[i];
      continue;
    }
    const next = chars[++i];
    if (next !== 'u') {
      out += SIMPLE_ESCAPES[next] ?? next;
      continue;
    }
    const hex = chars.slice(i + 1, Math.min(i + 5, end)).join('');
    if (!HEX4.test(hex)) {
      throw new ConfigError(
        `${source}:${lines[i]}: malformed \\uXXXX escape "\\u${hex}": \\u must be followed by 4 hexadecimal digits (write \\\\u for a literal backslash-u)`,
      );
    }
    out += String.fromCharCode(Number.parseInt(hex, 16));
    i += 4;
  }
  return out;
}
