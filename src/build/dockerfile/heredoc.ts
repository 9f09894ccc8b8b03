// Heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`) in RUN, COPY and ADD — and in an ONBUILD of
// those — in the shell form only. Which words open one follows docker's rules: the word, read with
// quotes and escapes kept, must start with `<<` (a file descriptor number may precede it) and
// name a single word; the body is not expanded when any part of that name was quoted.
import { lex } from './expand.ts';

export interface HeredocWord {
  name: string;
  /** `<<-`: leading tabs are stripped from the body and from the terminator line. */
  chomp: boolean;
  expand: boolean;
}

const OPENER = /^(\d*)<<(-?)\s*([^<]*)$/;
const NO_ENV: ReadonlyMap<string, string> = new Map();

/** The heredoc a single word opens, if it does (`<<EOF`, `<<-'EOF'`, `<< EOF`). */
export function heredocWord(word: string): HeredocWord | undefined {
  const m = OPENER.exec(word);
  const rest = m?.[3];
  if (!m || !rest) return undefined;
  const plain = lex(rest, NO_ENV, { skipUnset: true }).words;
  if (plain.length !== 1) return undefined;
  const raw = lex(rest, NO_ENV, { skipUnset: true, rawQuotes: true }).words;
  const quotes = (s: string) => (s.match(/['"]/g) ?? []).length;
  return { name: plain[0]!, chomp: m[2] === '-', expand: quotes(plain[0]!) === quotes(raw[0] ?? '') };
}

/** heredocWord for a word of an instruction's arguments: one docker cannot read opens none. */
export function safeHeredocWord(word: string): HeredocWord | undefined {
  try {
    return heredocWord(word);
  } catch {
    return undefined; // docker's MustParseHeredoc: an unreadable word is a plain word
  }
}

/** Every heredoc a logical line opens, in order. A line the lexer cannot read opens none. */
export function heredocsOfLine(line: string): HeredocWord[] {
  let words: string[];
  try {
    words = lex(line, NO_ENV, { rawQuotes: true, rawEscapes: true, skipUnset: true }).words;
  } catch {
    return []; // docker ignores the lexer's error here: the line is then simply not a heredoc
  }
  return words.map(heredocWord).filter((h): h is HeredocWord => h !== undefined);
}

export function chompTabs(content: string): string {
  return content.replace(/^\t+/gm, '');
}
