// --env-file and --label-file, read as docker's kvfile package reads them: one KEY[=VALUE] per
// line, comments and blank lines skipped, values kept as written (no quotes, no expansion).
import { readFileSync } from 'node:fs';

/** kvfile.Parse; `lookup` gives the value of a bare KEY (env files), which is dropped without one. */
export function parseKvFile(file: string, lookup?: (key: string) => string | undefined): string[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`open ${file}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
  }
  try {
    return parseLines(bytes, lookup);
  } catch (err) {
    throw new Error(`invalid env file (${file}): ${(err as Error).message}`);
  }
}

function parseLines(bytes: Buffer, lookup?: (key: string) => string | undefined): string[] {
  const out: string[] = [];
  const lines = bytes.toString('latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((rawLatin1, index) => {
    const raw = Buffer.from(rawLatin1.replace(/\r$/, ''), 'latin1');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new Error(`invalid utf8 bytes at line ${index + 1}: [${[...raw].join(' ')}]`);
    }
    if (index === 0) text = text.replace(/^\uFEFF/, '');
    const line = text.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq);
    if (key === '') throw new Error(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw new Error(`variable '${key}' contains whitespaces`);
    if (eq !== -1) {
      out.push(line);
      return;
    }
    const value = lookup?.(line);
    if (value !== undefined) out.push(`${key}=${value}`);
  });
  return out;
}

/** opts.ReadKVStrings / ReadKVEnvStrings: the files' entries, then the flags'. */
export function readKvStrings(files: string[], override: string[], lookup?: (key: string) => string | undefined): string[] | null {
  const vars = files.flatMap((f) => parseKvFile(f, lookup));
  const all = [...vars, ...override];
  return all.length ? all : null;
}

/** Go's encoding/json writes map keys sorted. */
export function sortedMap<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** opts.ConvertKVStringsToMap: KEY=VALUE strings as a map (the last KEY wins). */
export function kvMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    out[eq === -1 ? v : v.slice(0, eq)] = eq === -1 ? '' : v.slice(eq + 1);
  }
  return sortedMap(out);
}
