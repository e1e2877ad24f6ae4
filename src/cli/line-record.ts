// One line of `nagare produce` input → the key and value of one record.
import { CliError } from './errors.ts';

export interface LineRecord {
  key?: Buffer;
  value: Buffer;
}

/**
 * Without a separator the whole line is the value. With one, the text before its first occurrence is the
 * key; a line without it is an error, as in Kafka's console producer (parse.key=true).
 */
export function lineRecord(line: string, lineNumber: number, keySeparator?: string): LineRecord {
  if (keySeparator === undefined) return { value: Buffer.from(line) };
  const at = line.indexOf(keySeparator);
  if (at < 0) {
    throw new CliError(
      `line ${lineNumber} has no key separator '${keySeparator}': write KEY${keySeparator}VALUE on every line, or leave out --key-separator`,
    );
  }
  return {
    key: Buffer.from(line.slice(0, at)),
    value: Buffer.from(line.slice(at + keySeparator.length)),
  };
}
