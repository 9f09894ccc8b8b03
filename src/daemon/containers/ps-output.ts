// `ps` output into docker top's {Titles, Processes}, with dockerd's rules: columns are found
// from the header, but a column's left edge moves left to the nearest position where every row
// is blank — so right-aligned numbers and commands with spaces ("sleep 100") split correctly.
// Rows of threads (PID "-", from `ps -m`) follow the process row they belong to.
// The text is handled as bytes (latin1), as dockerd indexes it, and each cell decoded as UTF-8.
import { systemError } from '../../api/types/errors.ts';
import type { TopResponse } from '../../api/routers/container-observe.ts';

// Go's strings.Fields-like split on ASCII blanks (the header), and unicode.IsSpace of a byte
// taken as a rune (the column search): that also counts 0x85 and 0xA0.
const HEADER_TOKEN = /[^\t\n\f\r ]+/g;
const isBlankByte = (ch: string | undefined): boolean => ch !== undefined && /[\t\n\v\f\r \x85\xa0]/.test(ch);
const trimAscii = (s: string): string => s.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

export function parsePsOutput(output: Buffer, pids: readonly number[]): TopResponse {
  const lines = output.toString('latin1').split('\n');
  const header = lines[0] ?? '';
  const tokens = [...header.matchAll(HEADER_TOKEN)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
  const titles = tokens.map((t) => utf8(t.text));
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw systemError("Couldn't find PID field in ps output");
  const rows = lines.slice(1);
  const starts = columnStarts(tokens, rows);
  const wanted = new Set(pids);
  const processes: string[][] = [];
  let inContainer = false;
  for (const line of rows) {
    if (line === '') continue;
    const fields = starts.map((s, i) => utf8(trimAscii(line.slice(s, i < starts.length - 1 ? starts[i + 1] : line.length))));
    const pid = fields[pidIndex]!;
    if (pid === '-') {
      if (inContainer) processes.push(fields);
      continue;
    }
    if (!/^[+-]?\d+$/.test(pid)) throw systemError(`Unexpected pid '${pid}': strconv.Atoi: parsing ${JSON.stringify(pid)}: invalid syntax`);
    inContainer = wanted.has(Number(pid));
    if (inContainer) processes.push(fields);
  }
  return { Titles: titles, Processes: processes.length > 0 ? processes : null };
}

/** Each column starts at its header word, moved left to the rightmost all-blank position
 * that is still right of the previous header word (the first column starts at 0). */
function columnStarts(tokens: { start: number; end: number }[], rows: string[]): number[] {
  return tokens.map((t, i) => {
    if (i === 0) return 0;
    const floor = tokens[i - 1]!.end;
    for (let pos = t.start - 1; pos >= floor; pos--) {
      if (rows.every((r) => r.length <= pos || isBlankByte(r[pos]))) return pos;
    }
    return t.start;
  });
}
