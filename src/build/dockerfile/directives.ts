// Parser directives (`# escape=`` `, `# syntax=...`): only in the comment lines at the very top;
// the first line that is not a known directive (a blank line, an instruction, any other comment)
// ends them. A directive given twice is an error. dockerfile-ast reads these a little more
// loosely (an unknown `# foo=bar` does not end them), so the Dockerfile reference's rule is
// applied here and the result is what the rest of the parser uses.
import { DockerfileError, type Directives } from './types.ts';

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN = new Set(['syntax', 'escape', 'check']);

/** The directives and how many leading lines they take. `lines` have no line ending. */
export function readDirectives(lines: readonly string[]): { directives: Directives; count: number } {
  const directives: Directives = { escape: '\\' };
  const seen = new Set<string>();
  let count = 0;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r+$/, '').trimStart();
    if (!line.startsWith('#')) break;
    const m = DIRECTIVE.exec(line.slice(1).trimStart());
    const key = m?.[1]?.toLowerCase();
    if (!m || !key || !KNOWN.has(key)) break;
    if (seen.has(key)) throw new DockerfileError(`only one ${key} parser directive can be used`, i + 1);
    seen.add(key);
    const value = m[2]!;
    if (key === 'escape') {
      if (value !== '`' && value !== '\\') throw new DockerfileError(`invalid escape token '${value}' does not match \` or \\`, i + 1);
      directives.escape = value;
    } else if (key === 'syntax') directives.syntax = value;
    count = i + 1;
  }
  return { directives, count };
}
