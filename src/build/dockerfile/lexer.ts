// Docker's shell-word rules for Dockerfile words (the builder's lexer, not a shell): quotes,
// the escape token, `$V` / `${V}` and the `${V<op>word}` forms. Written from the Dockerfile
// reference and the behaviour of moby/buildkit's shell lexer; it runs over code points, so a
// multi-byte character is one step as in Go's text/scanner.
import { DockerfileError } from './types.ts';
import { substitute, type Scan } from './lexer-dollar.ts';

export type Escape = '\\' | '`';

export interface LexOptions {
  escape?: Escape;
  /** Keep quote characters in the result (heredoc word detection). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the result (heredoc word detection). */
  rawEscapes?: boolean;
  /** Quotes are plain characters (heredoc bodies). */
  skipQuotes?: boolean;
  /** An unset variable is left as written instead of "" (heredoc word detection). */
  skipUnset?: boolean;
}

/** Accumulates the words of ProcessWords: whitespace from variable values splits words, quoted
 * and escaped characters never do; an empty quoted string alone is no word (docker's rule). */
class Words {
  words: string[] = [];
  #buf = '';
  #inWord = false;
  addChar(ch: string): void {
    if (!/\s/u.test(ch)) return this.addRaw(ch);
    if (this.#inWord && this.#buf !== '') this.#flush();
  }
  addRaw(s: string): void {
    this.#buf += s;
    this.#inWord = true;
  }
  addExpanded(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  #flush(): void {
    this.words.push(this.#buf);
    this.#buf = '';
    this.#inWord = false;
  }
  done(): string[] {
    if (this.#buf !== '') this.#flush();
    return this.words;
  }
}

/** One pass over one word. `env` lookups are exact-case, as on Linux. */
export class Lexer implements Scan {
  readonly #chars: string[];
  #pos = 0;
  readonly escape: Escape;
  readonly opts: LexOptions;
  readonly env: ReadonlyMap<string, string>;
  #rawEscapes: boolean;

  constructor(word: string, env: ReadonlyMap<string, string>, opts: LexOptions = {}) {
    this.#chars = Array.from(word);
    this.env = env;
    this.opts = opts;
    this.escape = opts.escape ?? '\\';
    this.#rawEscapes = opts.rawEscapes ?? false;
  }

  peek(): string | undefined {
    return this.#chars[this.#pos];
  }
  next(): string | undefined {
    return this.#chars[this.#pos++];
  }

  /** Reads up to `stop` (consumed) or the end; returns the joined result and the words. */
  until(stop: string | undefined, rawEscapes = this.#rawEscapes): { text: string; words: string[] } {
    const saved = this.#rawEscapes;
    this.#rawEscapes = rawEscapes;
    try {
      return this.#until(stop);
    } finally {
      this.#rawEscapes = saved;
    }
  }

  #until(stop: string | undefined): { text: string; words: string[] } {
    let text = '';
    const words = new Words();
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (stop !== undefined && ch === stop) {
        this.next();
        return { text, words: words.done() };
      }
      const special = this.#special(ch);
      if (special !== undefined) {
        text += special;
        if (ch === '$') words.addExpanded(special);
        else words.addRaw(special);
        continue;
      }
      this.next();
      if (ch === this.escape) {
        if (this.#rawEscapes) {
          words.addRaw(ch);
          text += ch;
        }
        const escaped = this.next();
        if (escaped === undefined) break; // an escape token at the end is dropped
        words.addRaw(escaped);
        text += escaped;
        continue;
      }
      words.addChar(ch);
      text += ch;
    }
    if (stop !== undefined) throw new DockerfileError(`unexpected end of statement while looking for matching ${stop}`);
    return { text, words: words.done() };
  }

  #special(ch: string): string | undefined {
    if (ch === '$') return substitute(this);
    if (ch === '<') return this.#maybeHeredoc();
    if (this.opts.skipQuotes) return undefined;
    if (ch === "'") return this.#singleQuoted();
    if (ch === '"') return this.#doubleQuoted();
    return undefined;
  }

  /** `<<` and the blanks after it stay glued to the word that follows (`<< EOF` is one word). */
  #maybeHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let out = '<<';
    for (let ch = this.peek(); ch === ' ' || ch === '\t' || ch === '\r'; ch = this.peek()) out += this.next();
    return out;
  }

  /** Everything up to the next ' is literal; nothing escapes inside. */
  #singleQuoted(): string {
    let out = this.opts.rawQuotes ? this.next()! : (this.next(), '');
    for (;;) {
      const ch = this.next();
      if (ch === undefined) throw new DockerfileError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.opts.rawQuotes ? out + ch : out;
      out += ch;
    }
  }

  /** Literal except `$` (expanded) and the escape token before `"`, `$` or itself. */
  #doubleQuoted(): string {
    let out = this.opts.rawQuotes ? this.next()! : (this.next(), '');
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new DockerfileError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.next();
        return this.opts.rawQuotes ? out + ch : out;
      }
      if (ch === '$') {
        out += substitute(this);
        continue;
      }
      let c = this.next()!;
      if (c === this.escape) {
        if (this.#rawEscapes) out += c;
        const after = this.peek();
        if (after === undefined) continue; // reported as the missing quote
        if (after === '"' || after === '$' || after === this.escape) c = this.next()!;
      }
      out += c;
    }
  }
}
