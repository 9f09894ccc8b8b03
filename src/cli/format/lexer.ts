// Lexer for Go text/template syntax. Mirrors the token kinds of Go's
// text/template/parse lexer, including significant 'space' tokens: the
// parser needs them to tell `.A.B` (one field chain) from `.A .B` (two args).

import { parseError } from './errors.ts';

export type TokenKind =
  | 'text' | 'open' | 'close' | 'space' | 'field' | 'variable' | 'dot'
  | 'ident' | 'string' | 'char' | 'number' | 'bool' | 'nil'
  | 'pipe' | 'declare' | 'assign' | 'lparen' | 'rparen' | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Unquoted value for strings, name for fields/idents, source otherwise. */
  value: string;
  pos: number;
  /** Offset just past the token in the source. */
  end: number;
  line: number;
}

const OPEN = '{{';
const CLOSE = '}}';
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
// ASCII without the Unicode-property regex: compiling it (ICU's letter and digit sets) cost ~3M
// instructions of the first template of a start, `berth ps`'s table, whose names are ASCII.
const isAlnum = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  if (c < '\x80') return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
  return /[\p{L}\p{N}_]/u.test(c);
};
/** Go's %#U: `U+0023 '#'`. */
const runeName = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
const NUMBER = /[+-]?(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.?\d*(?:[eE][+-]?\d+)?)/y;

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let trimNext = false; // previous action ended with `-}}`
  let scanned = 0;
  let lines = 1;
  const line = (pos: number): number => { // positions only move forward
    for (; scanned < pos; scanned++) if (src[scanned] === '\n') lines++;
    return lines;
  };
  const emit = (kind: TokenKind, value: string, pos: number, end = pos + value.length): void => {
    out.push({ kind, value, pos, end, line: line(pos) });
  };
  // Right delimiter, optionally preceded by the ` -` trim marker.
  const atClose = (p: number): number =>
    src.startsWith(CLOSE, p) ? 0 : isSpace(src[p]) && src.startsWith('-' + CLOSE, p + 1) ? 2 : -1;

  while (i < src.length) {
    let end = src.indexOf(OPEN, i);
    if (end < 0) end = src.length;
    const trimLeft = end < src.length && src[end + 2] === '-' && isSpace(src[end + 3]);
    let text = src.slice(i, end);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) emit('text', text, i);
    trimNext = false;
    if (end >= src.length) break;
    i = end + (trimLeft ? 4 : 2);
    if (src.startsWith('/*', i)) {
      const stop = src.indexOf('*/', i + 2);
      if (stop < 0) throw parseError(line(end), 'unclosed comment');
      const marker = atClose(stop + 2);
      if (marker < 0) throw parseError(line(end), 'comment ends before closing delimiter');
      trimNext = marker === 2;
      i = stop + 2 + marker + 2;
      continue;
    }
    emit('open', OPEN, end);
    i = lexAction(i);
  }
  emit('eof', '', src.length);
  return out;

  // Lexes one action body starting at p; returns the index after `}}`.
  function lexAction(p: number): number {
    let depth = 0;
    for (;;) {
      const marker = atClose(p);
      if (marker >= 0) {
        if (depth > 0) throw parseError(line(p), 'unclosed left paren');
        emit('close', CLOSE, p);
        trimNext = marker === 2;
        return p + marker + 2;
      }
      const c = src[p];
      const start = p;
      if (c === undefined) throw parseError(line(p), 'unclosed action');
      if (isSpace(c)) {
        while (isSpace(src[p]) && atClose(p) < 0) p++;
        emit('space', src.slice(start, p), start);
        continue;
      }
      p++;
      if (c === '|') emit('pipe', c, start);
      else if (c === ',') emit('comma', c, start);
      else if (c === '=') emit('assign', c, start);
      else if (c === ':') {
        if (src[p] !== '=') throw parseError(line(start), 'expected :=');
        emit('declare', ':=', start);
        p++;
      } else if (c === '(') { depth++; emit('lparen', c, start); }
      else if (c === ')') {
        if (--depth < 0) throw parseError(line(start), `unexpected right paren`);
        emit('rparen', c, start);
      } else if (c === '"' || c === '`' || c === "'") p = lexQuote(c, start);
      else if (c === '$' || (c === '.' && isAlnum(src[p]) && !/\d/.test(src[p]!))) {
        while (isAlnum(src[p])) p++;
        if (c === '$') emit('variable', src.slice(start, p), start);
        else emit('field', src.slice(start + 1, p), start, p);
        checkTerminator(p);
      } else if (/[\d+\-.]/.test(c) && (c !== '.' || /\d/.test(src[p] ?? ''))) {
        NUMBER.lastIndex = start;
        p = start + (NUMBER.exec(src)?.[0].length ?? 0);
        if (p === start + 1 && /[+-]/.test(c) || isAlnum(src[p]) || src[p] === '.') {
          throw parseError(line(start), `bad number syntax: "${src.slice(start, p + 1)}"`);
        }
        emit('number', src.slice(start, p), start);
      } else if (c === '.') emit('dot', c, start);
      else if (isAlnum(c)) {
        while (isAlnum(src[p])) p++;
        const word = src.slice(start, p);
        emit(word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'ident', word, start);
        checkTerminator(p);
      } else {
        throw parseError(line(start), `unrecognized character in action: ${runeName(c)}`);
      }
    }
  }

  // Go rejects e.g. `.Foo"x"`: words must be followed by a terminator.
  function checkTerminator(p: number): void {
    const c = src[p];
    if (c === undefined || isSpace(c) || '.,|:()='.includes(c) || atClose(p) >= 0) return;
    throw parseError(line(p), `bad character ${runeName(c)}`);
  }

  function lexQuote(q: string, start: number): number {
    let p = start + 1;
    while (src[p] !== q) {
      if (src[p] === undefined || (q !== '`' && src[p] === '\n')) {
        throw parseError(line(start), q === '`' ? 'unterminated raw quoted string' : 'unterminated quoted string');
      }
      p += src[p] === '\\' && q !== '`' ? 2 : 1;
    }
    const body = src.slice(start + 1, p);
    if (q === '`') emit('string', body, start, p + 1);
    else {
      const value = unquote(body, line(start));
      if (q === '"') emit('string', value, start, p + 1);
      else {
        if ([...value].length !== 1) throw parseError(line(start), `malformed character constant: '${body}'`);
        emit('char', String(value.codePointAt(0)), start, p + 1);
      }
    }
    return p + 1;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'",
};

/** Go's strconv.Unquote for the body of a "..." or '...' literal. */
function unquote(body: string, line: number): string {
  return body.replace(/\\(x[\da-fA-F]{2}|u[\da-fA-F]{4}|U[\da-fA-F]{8}|[0-7]{3}|.)/gs, (m, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e]!;
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
    throw parseError(line, `invalid syntax: unknown escape sequence ${m}`);
  });
}
