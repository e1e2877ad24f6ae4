import { isDeepStrictEqual } from 'node:util';

/**
 * Structural differences between two JSON-like values, one readable line per difference:
 * `$.topics[0].errorCode: apache-kafka=3 nagare=0`. Pure; used to explain failed differential tests.
 */
export function describeDifferences(
  left: unknown,
  right: unknown,
  labels: [string, string] = ['left', 'right'],
  limit = 50,
): string[] {
  const lines: string[] = [];
  collect(left, right, '$', labels, lines, limit);
  return lines;
}

function collect(
  left: unknown,
  right: unknown,
  path: string,
  labels: [string, string],
  lines: string[],
  limit: number,
): void {
  if (lines.length >= limit) return;
  if (isDeepStrictEqual(left, right)) return;
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) {
      lines.push(`${path}.length: ${labels[0]}=${left.length} ${labels[1]}=${right.length}`);
    }
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      collect(left[i], right[i], `${path}[${i}]`, labels, lines, limit);
    }
    for (let i = Math.min(left.length, right.length); i < Math.max(left.length, right.length); i++) {
      const side = i < left.length ? `${labels[0]} only` : `${labels[1]} only`;
      pushLine(lines, limit, `${path}[${i}]: ${side}: ${show(i < left.length ? left[i] : right[i])}`);
    }
    return;
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) {
      const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in right)) pushLine(lines, limit, `${childPath}: ${labels[0]} only: ${show(left[key])}`);
      else if (!(key in left)) pushLine(lines, limit, `${childPath}: ${labels[1]} only: ${show(right[key])}`);
      else collect(left[key], right[key], childPath, labels, lines, limit);
    }
    return;
  }
  pushLine(lines, limit, `${path}: ${labels[0]}=${show(left)} ${labels[1]}=${show(right)}`);
}

function pushLine(lines: string[], limit: number, line: string): void {
  if (lines.length < limit) lines.push(line);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? `${inner}n` : inner));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
