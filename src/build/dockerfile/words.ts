// The instruction-level splitting docker's parser does before any expansion: the keyword, the
// leading `--flags` (quotes and escapes removed), whitespace words, quote-aware words for
// ENV/LABEL/ARG, and the JSON array form.
import { DockerfileError } from './types.ts';
import type { Escape } from './lexer.ts';

/** Blanks that separate words on an instruction line (Go's regexp `[\t\v\f\r ]+`). */
const BLANKS = /[\t\v\f\r ]+/;

export function splitBlanks(s: string): string[] {
  return s === '' ? [] : s.split(BLANKS);
}

/** "RUN --network=none echo hi" → keyword "RUN", flags ["--network=none"], rest "echo hi". */
export function splitCommand(line: string, escape: Escape): { keyword: string; flags: string[]; rest: string } {
  const trimmed = line.trim();
  const m = BLANKS.exec(trimmed);
  if (!m) return { keyword: trimmed, flags: [], rest: '' };
  const { rest, flags } = extractFlags(trimmed.slice(m.index + m[0].length), escape);
  return { keyword: trimmed.slice(0, m.index), flags, rest: rest.trim() };
}

/** Leading words that start with `--`; a lone `--` ends them. */
function extractFlags(line: string, escape: Escape): { rest: string; flags: string[] } {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && /\s/.test(line[pos]!)) pos++;
    if (pos >= line.length) return { rest: '', flags };
    if (!line.startsWith('--', pos)) return { rest: line.slice(pos), flags };
    let word = '';
    let quoted = false;
    let quote = '';
    for (; pos < line.length; pos++) {
      let ch = line[pos]!;
      if (!quote && /\s/.test(ch)) break;
      if (!quote && (ch === '"' || ch === "'")) {
        quote = ch;
        quoted = true;
        continue;
      }
      if (quote && ch === quote) {
        quote = '';
        continue;
      }
      if (ch === escape) {
        if (pos + 1 === line.length) continue;
        ch = line[++pos]!;
      }
      word += ch;
    }
    if (word === '--') return { rest: line.slice(pos), flags };
    if (quoted || word !== '') flags.push(word);
  }
}

/** Words split on blanks, quotes and escapes kept (removed later by expansion): ENV, LABEL, ARG. */
export function quotedWords(rest: string, escape: Escape): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  const chars = Array.from(rest);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (!quote && /\s/u.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (quote ? ch === quote : ch === '"' || ch === "'") quote = quote ? '' : ch;
    else if (ch === escape && quote !== "'") {
      if (i + 1 === chars.length) continue; // an escape at the very end is dropped
      word += ch + chars[++i]!;
      continue;
    }
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

/** The JSON array form: undefined when `rest` is not JSON (then the shell form applies); an
 * array holding anything but strings is an error, as in docker. */
export function jsonArray(rest: string, line: number): string[] | undefined {
  const text = rest.trimStart();
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) {
    throw new DockerfileError('when using JSON array syntax, arrays must be comprised of strings only', line);
  }
  return value as string[];
}
