// A small JSON parser that also records where each key is, because JSON.parse reports neither
// the line of a bad setting nor a stable, readable position for a syntax error.
// It accepts exactly RFC 8259 JSON (no comments, no trailing commas).
import { JsonCursor, type Position } from './json-cursor.ts';

export { JsonSyntaxError, type Position } from './json-cursor.ts';

/** A path into the document: object keys and array indexes, e.g. ["runtimes", "crun", "path"]. */
export type JsonPath = readonly (string | number)[];

export interface DuplicateKey {
  path: JsonPath;
  first: Position;
  second: Position;
}

export interface JsonDocument {
  value: unknown;
  /** Where each object member's key (or each array element) starts; see pathKey. */
  positions: Map<string, Position>;
  /** Keys given twice in one object; the value kept is the last one, as with JSON.parse. */
  duplicates: DuplicateKey[];
}

/** out[key] = value, except that a "__proto__" key is stored like any other key. */
export function setEntry(out: object, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The key under which JsonDocument.positions stores a path. */
export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

// Deep nesting would otherwise end in a RangeError from the recursion.
const MAX_DEPTH = 100;

export function parseJsonWithPositions(text: string): JsonDocument {
  const p = new Parser(text);
  p.skipSpace();
  const value = p.value([], 0);
  p.skipSpace();
  if (p.i < text.length) p.fail(`unexpected ${p.describe()} after the end of the JSON value`);
  return { value, positions: p.positions, duplicates: p.duplicates };
}

/** Objects and arrays, recording positions as it goes. */
class Parser extends JsonCursor {
  readonly positions = new Map<string, Position>();
  readonly duplicates: DuplicateKey[] = [];

  value(path: JsonPath, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.i];
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail(`expected a value, got ${this.describe()}`);
  }

  object(path: JsonPath, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    this.skipSpace();
    if (this.text[this.i] !== '}') {
      for (;;) {
        if (this.text[this.i] !== '"') this.fail(this.memberProblem('a property name in double quotes', '}'));
        this.member(out, path, depth);
        if (!this.separator('}', 'a property value')) break;
      }
    }
    this.i++; // }
    return out;
  }

  member(out: Record<string, unknown>, path: JsonPath, depth: number): void {
    const at = this.position();
    const key = this.string();
    const memberPath = [...path, key];
    const k = pathKey(memberPath);
    const first = this.positions.get(k);
    if (first) this.duplicates.push({ path: memberPath, first, second: at });
    this.positions.set(k, at);
    this.skipSpace();
    if (this.text[this.i] !== ':') this.fail(`expected ":" after property name "${key}", got ${this.describe()}`);
    this.i++;
    this.skipSpace();
    setEntry(out, key, this.value(memberPath, depth + 1));
  }

  array(path: JsonPath, depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++; // [
    this.skipSpace();
    if (this.text[this.i] !== ']') {
      for (;;) {
        if (this.text[this.i] === ']') this.fail('trailing comma before "]"');
        const elementPath = [...path, out.length];
        this.positions.set(pathKey(elementPath), this.position());
        out.push(this.value(elementPath, depth + 1));
        if (!this.separator(']', 'an array element')) break;
      }
    }
    this.i++; // ]
    return out;
  }

  /** After a member or element: true (and past the comma) if another follows, false at `close`. */
  separator(close: string, after: string): boolean {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === close) return false;
    if (c !== ',') this.fail(`expected "," or "${close}" after ${after}, got ${this.describe()}`);
    this.i++;
    this.skipSpace();
    return true;
  }

  memberProblem(expected: string, close: string): string {
    if (this.text[this.i] === close) return `trailing comma before "${close}"`;
    return `expected ${expected}, got ${this.describe()}`;
  }

}
