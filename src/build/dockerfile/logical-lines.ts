// From the Dockerfile's text to its instructions as docker reads them: an instruction starts on
// the first line that is neither blank nor a comment; continuation lines are joined with the
// escape token and the blanks after it removed (they keep their leading blanks); comment and
// empty lines inside a continuation are dropped; the heredoc bodies that follow are read.
// dockerfile-ast is not used for this: its instruction ranges differ from docker's reading in
// the cases ast-agreement.test.ts lists (`RUN cat << EOF`, `RUN 3<<EOF`, `RUN echo \<<EOF`, an
// escaped escape token at a line's end, directives after an unknown one), and docker's joined
// text (with comments dropped) is what the Step lines and the cache key need.
import { DockerfileError } from './types.ts';
import type { Escape } from './lexer.ts';
import { heredocsOfLine } from './heredoc.ts';
import { jsonArray, splitCommand } from './words.ts';

export interface RawHeredoc {
  name: string;
  chomp: boolean;
  expand: boolean;
  /** The body as written (not yet chomped), each line with its line ending. */
  content: string;
}

export interface LogicalLine {
  /** 1-based line of its first line; `end` is the last line it takes (heredoc terminators too). */
  line: number;
  end: number;
  /** The joined line, not trimmed (docker's node.Original). */
  text: string;
  heredocs: RawHeredoc[];
  /** An empty line inside its continuation (docker warns about it). */
  emptyContinuation: boolean;
}

const isComment = (l: string) => l.trimStart().startsWith('#');
const isBlank = (l: string) => l.trim() === '';
/** Go's TrimRight(line, "\r\n"): a CRLF file reads as an LF one (heredoc bodies keep the \r). */
const stripEol = (l: string) => l.replace(/\r+$/, '');

export function logicalLines(lines: readonly string[], directiveCount: number, escape: Escape): LogicalLine[] {
  const continued = continuation(escape);
  const out: LogicalLine[] = [];
  for (let cursor = directiveCount; ; ) {
    const first = firstInstructionLine(lines, cursor);
    if (first === undefined) return out;
    const start = first;
    const read = joinFrom(lines, start, continued);
    if (read === undefined) return out; // only a dangling continuation left
    const heredocs = readHeredocs(lines, read, escape, start + 1);
    const end = heredocs.end;
    out.push({ line: start + 1, end, text: read.text, heredocs: heredocs.docs, emptyContinuation: read.empty });
    cursor = end;
  }
}

/** The first line docker starts an instruction on: not blank, not a comment. */
function firstInstructionLine(lines: readonly string[], from: number): number | undefined {
  for (let i = from; i < lines.length; i++) if (!isBlank(lines[i]!) && !isComment(lines[i]!)) return i;
  return undefined;
}

/** Matches a line ending in the escape token (not an escaped one) and the blanks after it. */
function continuation(escape: Escape): RegExp {
  const e = escape === '\\' ? '\\\\' : '`';
  return new RegExp(`(^|[^${e}])${e}[ \\t]*$`);
}

function joinFrom(lines: readonly string[], start: number, continued: RegExp): { text: string; next: number; empty: boolean } | undefined {
  let i = start;
  let text = '';
  let more = true;
  let firstLine = true;
  let empty = false;
  while (more && i < lines.length) {
    const line = stripEol(lines[i++]!);
    if (!firstLine && isComment(line)) continue;
    if (!firstLine && isBlank(line)) {
      empty = true;
      continue;
    }
    const part = firstLine ? line.trimStart() : line;
    firstLine = false;
    more = continued.test(part);
    text += more ? part.replace(continued, '$1') : part;
  }
  return text.trim() === '' ? undefined : { text, next: i, empty };
}

/** Heredoc bodies follow the instruction's line, one after the other, each up to its name alone
 * on a line (after leading tabs with `<<-`). */
function readHeredocs(lines: readonly string[], read: { text: string; next: number }, escape: Escape, at: number): { docs: RawHeredoc[]; end: number } {
  let i = read.next;
  if (!read.text.includes('<<') || !mayHaveHeredocs(read.text, escape, at)) return { docs: [], end: i };
  const docs: RawHeredoc[] = [];
  for (const h of withLine(() => heredocsOfLine(read.text), at)) {
    let content = '';
    let done = false;
    while (!done && i < lines.length) {
      const line = lines[i++]!;
      const bare = h.chomp ? stripEol(line).replace(/^\t+/, '') : stripEol(line);
      if (bare === h.name) done = true;
      else content += `${line}${i < lines.length ? '\n' : ''}`;
    }
    if (!done) throw new DockerfileError('unterminated heredoc', at);
    docs.push({ ...h, content });
  }
  return { docs, end: i };
}

function withLine<T>(f: () => T, line: number): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DockerfileError && err.line === undefined) throw new DockerfileError(err.message, line);
    throw err;
  }
}

/** RUN, COPY and ADD (directly or as an ONBUILD trigger) in the shell form. */
function mayHaveHeredocs(text: string, escape: Escape, line: number): boolean {
  let { keyword, rest } = splitCommand(text, escape);
  if (keyword.toLowerCase() === 'onbuild') ({ keyword, rest } = splitCommand(rest, escape));
  if (!['run', 'copy', 'add'].includes(keyword.toLowerCase())) return false;
  return jsonArray(rest, line) === undefined;
}
