// SubscribedTopicRegex: Kafka compiles it with RE2/J and matches whole topic names with it. Here the
// pattern is translated to an equivalent JavaScript RegExp, which is then matched against whole names.
//
// Supported, with RE2's meaning: literals, `.`, classes `[...]` / `[^...]` (with `]` first taken literally),
// the POSIX classes `[[:alpha:]]` … inside brackets, `\d \D \s \S \w \W \b \B`, `\pL` and `\p{…}` (general
// categories and scripts, `\p{^…}` negated), `\x7F` / `\x{10FFFF}`, `\t \n \r \f \v \a`, escaped
// punctuation, `\Q…\E` quoting, `\A` and `\z`, `^ $`, groups `(…)`, `(?:…)`, `(?P<name>…)` and `(?<name>…)`,
// flags `(?i)`, `(?m)`, `(?s)` (alone, up to the end of their group, or as `(?flags:…)`, `-` to clear),
// `* + ? {n} {n,} {n,m}` and their lazy forms, `|`, and a `{` that starts no repetition taken literally.
// Refused with INVALID_REGULAR_EXPRESSION, as RE2 refuses them: backreferences, lookaround and atomic
// groups, possessive quantifiers, unknown escapes. Also refused although RE2 has them: the ungreedy flag
// `U`, negated POSIX classes `[[:^alpha:]]`, octal escapes and `\C`. Topic names are ASCII, so the Unicode
// subtleties in which the two engines differ (what `\s` or `\b` count as space or word) never show.

export class InvalidTopicRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTopicRegexError';
  }
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Escapes JavaScript gives the same meaning as RE2, written as they are. */
const SAME_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W', 'b', 'B', 't', 'n', 'r', 'f', 'v']);

/** Compiles a SubscribedTopicRegex into a RegExp matching whole topic names. */
export function compileTopicRegex(pattern: string): RegExp {
  const source = new Re2Translator(pattern).translate();
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    throw new InvalidTopicRegexError((err as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

class Re2Translator {
  private readonly pattern: string;
  private at = 0;
  private out = '';
  /** Per open group, how many `(?flags)` groups were opened inside it and must close with it. */
  private readonly flagGroups: number[] = [0];

  constructor(pattern: string) {
    this.pattern = pattern;
  }

  translate(): string {
    const p = this.pattern;
    while (this.at < p.length) {
      const c = p[this.at];
      if (c === '\\') this.escape(false);
      else if (c === '[') this.characterClass();
      else if (c === '(') this.openGroup();
      else if (c === ')') this.closeGroup();
      else if (c === '{') this.brace();
      else if (c === '}' || c === ']') this.literal(c);
      else if (c === '*' || c === '+' || c === '?') this.quantifier(c);
      else {
        this.out += c;
        this.at++;
      }
    }
    if (this.flagGroups.length > 1) this.fail('missing closing )');
    this.out += ')'.repeat(this.flagGroups[0]);
    return this.out;
  }

  private fail(reason: string): never {
    throw new InvalidTopicRegexError(reason);
  }

  private literal(c: string): void {
    this.out += `\\u{${c.codePointAt(0)!.toString(16)}}`;
    this.at += c.length;
  }

  private quantifier(c: string): void {
    this.out += c;
    this.at++;
    const next = this.pattern[this.at];
    if (next === '+') this.fail(`bad repetition operator: ${c}+`);
    if (next === '?') {
      this.out += '?';
      this.at++;
    }
  }

  /** `{n}`, `{n,}`, `{n,m}` repeat; any other `{` is a literal, as in RE2. */
  private brace(): void {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.at));
    if (!match) {
      this.literal('{');
      return;
    }
    const min = Number(match[1]);
    const max = match[3] ? Number(match[3]) : min;
    if (min > 1000 || max > 1000 || max < min) this.fail('invalid repeat count');
    this.out += match[0];
    this.at += match[0].length;
    if (this.pattern[this.at] === '+') this.fail(`bad repetition operator: ${match[0]}+`);
    if (this.pattern[this.at] === '?') {
      this.out += '?';
      this.at++;
    }
  }

  private openGroup(): void {
    const rest = this.pattern.slice(this.at);
    if (!rest.startsWith('(?')) {
      this.out += '(';
      this.at++;
      this.flagGroups.push(0);
      return;
    }
    // RE2/J's own descriptions: it reads "(?<" as the start of a group name.
    if (/^\(\?<[=!]/.test(rest)) this.fail('invalid named capture');
    if (/^\(\?[=!>]/.test(rest)) this.fail('invalid or unsupported Perl syntax');
    const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
    if (named) {
      // Only whether a topic matches counts, never what a group captured: keep it a plain group.
      this.out += '(';
      this.at += named[0].length;
      this.flagGroups.push(0);
      return;
    }
    const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?(:|\))/.exec(rest);
    if (!flags) this.fail(`invalid or unsupported Perl syntax: ${rest.slice(0, 3)}`);
    const [whole, on, off = '', end] = flags;
    for (const flag of on + off) if (!'ims'.includes(flag)) this.fail('invalid or unsupported Perl syntax');
    this.at += whole.length;
    const modifiers = `${on}${off ? `-${off}` : ''}`;
    if (end === ':') {
      this.out += modifiers ? `(?${modifiers}:` : '(?:';
      this.flagGroups.push(0);
    } else if (modifiers) {
      // `(?i)` rules the rest of its group: open a modifier group closed with that group.
      this.out += `(?${modifiers}:`;
      this.flagGroups[this.flagGroups.length - 1]++;
    }
  }

  private closeGroup(): void {
    if (this.flagGroups.length === 1) this.fail('unexpected )');
    this.out += ')'.repeat(this.flagGroups.pop()! + 1);
    this.at++;
  }

  private escape(inClass: boolean): void {
    const p = this.pattern;
    const c = p[this.at + 1];
    if (c === undefined) this.fail('trailing backslash at end of expression');
    if (c === 'Q') {
      const end = p.indexOf('\\E', this.at + 2);
      const quoted = p.slice(this.at + 2, end === -1 ? p.length : end);
      for (const ch of quoted) this.out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
      this.at = end === -1 ? p.length : end + 2;
      return;
    }
    this.at += 2;
    if (c === 'E') return;
    if (SAME_ESCAPES.has(c) && !(inClass && (c === 'b' || c === 'B'))) {
      this.out += `\\${c}`;
    } else if (c === 'a') {
      this.out += '\\x07';
    } else if (c === 'A' && !inClass) {
      this.out += '(?<![\\s\\S])';
    } else if (c === 'z' && !inClass) {
      this.out += '(?![\\s\\S])';
    } else if (c === 'x') {
      this.hexEscape();
    } else if (c === 'p' || c === 'P') {
      this.unicodeClass(c === 'P');
    } else if (/[0-9]/.test(c)) {
      // Backreferences (RE2 has none) and octal escapes (Nagare does not translate them).
      this.fail('invalid escape sequence');
    } else if (/[A-Za-z]/.test(c)) {
      this.fail('invalid escape sequence');
    } else {
      // Escaped punctuation is that character, in RE2 as in a class.
      this.at -= 1;
      this.literal(String.fromCodePoint(p.codePointAt(this.at)!));
    }
  }

  private hexEscape(): void {
    const rest = this.pattern.slice(this.at);
    const match = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest) ?? /^([0-9A-Fa-f]{2})/.exec(rest);
    if (!match || Number.parseInt(match[1], 16) > 0x10ffff) this.fail('invalid escape sequence: \\x');
    this.out += `\\u{${match[1]}}`;
    this.at += match[0].length;
  }

  private unicodeClass(negated: boolean): void {
    const rest = this.pattern.slice(this.at);
    const match = /^\{(\^?)([A-Za-z_]+)\}/.exec(rest) ?? /^()([A-Za-z])/.exec(rest);
    if (!match) this.fail('invalid character class range');
    this.at += match[0].length;
    const not = negated !== (match[1] === '^');
    const name = match[2] === 'Any' ? null : match[2];
    if (name === null) {
      this.out += not ? '[^\\s\\S]' : '[\\s\\S]';
      return;
    }
    for (const property of [name, `Script=${name}`]) {
      try {
        new RegExp(`\\p{${property}}`, 'u');
        this.out += `\\${not ? 'P' : 'p'}{${property}}`;
        return;
      } catch {
        // Not a general category: try it as a script.
      }
    }
    this.fail(`invalid character class range: \\p{${name}}`);
  }

  private characterClass(): void {
    const p = this.pattern;
    this.out += '[';
    this.at++;
    if (p[this.at] === '^') {
      this.out += '^';
      this.at++;
    }
    if (p[this.at] === ']') this.literal(']');
    for (;;) {
      const c = p[this.at];
      if (c === undefined) this.fail('missing closing ]');
      if (c === ']') {
        this.out += ']';
        this.at++;
        return;
      }
      if (c === '\\') {
        this.escape(true);
        continue;
      }
      if (p.startsWith('[:', this.at)) {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.at));
        if (posix) {
          if (posix[1]) this.fail(`negated POSIX classes are not supported: ${posix[0]}`);
          const ranges = POSIX_CLASSES[posix[2]];
          if (!ranges) this.fail(`invalid character class range: ${posix[0]}`);
          this.out += ranges;
          this.at += posix[0].length;
          continue;
        }
      }
      if (c === '[') {
        this.literal('[');
        continue;
      }
      this.out += c;
      this.at++;
    }
  }
}
