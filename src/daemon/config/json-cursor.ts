// The character level of the daemon.json reader: whitespace, strings, numbers and positions.
// json-positions.ts builds objects and arrays on top of it.

export interface Position {
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units
}

export class JsonSyntaxError extends Error {
  readonly position: Position;
  readonly reason: string;

  constructor(reason: string, position: Position) {
    super(`${reason} at line ${position.line}, column ${position.column}`);
    this.name = 'JsonSyntaxError';
    this.reason = reason;
    this.position = position;
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A read position in a JSON text, with the helpers that don't need to know about nesting. */
export class JsonCursor {
  readonly text: string;
  i = 0;
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    this.text = text;
    for (let k = 0; k < text.length; k++) if (text[k] === '\n') this.lineStarts.push(k + 1);
  }

  position(at = this.i): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.lineStarts[lo]! + 1 };
  }

  fail(reason: string, at = this.i): never {
    throw new JsonSyntaxError(reason, this.position(at));
  }

  describe(): string {
    return this.i >= this.text.length ? 'end of file' : JSON.stringify(this.text[this.i]);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#' || (c === '/' && (this.text[this.i + 1] === '/' || this.text[this.i + 1] === '*'))) {
        this.fail('comments are not allowed in JSON');
      } else return;
    }
  }

  string(): string {
    const start = this.i++;
    let out = '';
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('unterminated string', start);
      if (c === '"') break;
      if (c === '\n') this.fail('unterminated string (line break inside a string)');
      if (c < ' ') this.fail('control character inside a string');
      if (c === '\\') {
        out += this.escape();
      } else {
        out += c;
        this.i++;
      }
    }
    this.i++; // closing quote
    return out;
  }

  escape(): string {
    const c = this.text[this.i + 1] ?? '';
    if (Object.hasOwn(ESCAPES, c)) {
      this.i += 2;
      return ESCAPES[c]!;
    }
    const hex = this.text.slice(this.i + 2, this.i + 6);
    if (c !== 'u' || !/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid escape sequence in string');
    this.i += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }

  number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail('invalid number');
    this.i += m[0].length;
    return Number(m[0]);
  }
}
