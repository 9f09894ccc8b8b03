// An instruction's `--name=value` flags against what that instruction accepts. The messages are
// the classic builder's (dockerd 20.10): "Unknown flag: mount", "Missing a value on flag: from".
import { DockerfileError } from './types.ts';

export type FlagSpec = Record<string, 'string' | 'bool'>;

/** The flags given, by name; a bool flag given without a value is "true". */
export function parseFlags(words: readonly string[], spec: FlagSpec, line: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of words) {
    if (word === '--') break;
    if (!word.startsWith('--')) throw new DockerfileError(`Arg should start with -- : ${word}`, line);
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    const value = eq < 0 ? undefined : word.slice(eq + 1);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new DockerfileError(`Unknown flag: ${name}`, line);
    if (out.has(name)) throw new DockerfileError(`Duplicate flag specified: ${name}`, line);
    if (kind === 'string') {
      if (value === undefined) throw new DockerfileError(`Missing a value on flag: ${name}`, line);
      out.set(name, value);
      continue;
    }
    if (value === '') throw new DockerfileError(`Missing a value on flag: ${name}`, line);
    const b = (value ?? 'true').toLowerCase();
    if (b !== 'true' && b !== 'false') throw new DockerfileError(`Expecting boolean value for flag ${name}, not: ${value}`, line);
    out.set(name, b);
  }
  return out;
}
