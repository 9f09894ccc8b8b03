// A setting given both as a flag and in daemon.json is refused, as dockerd does: silently
// preferring one of them would leave the user unsure which value the daemon runs with.
// `runtimes` is the exception, as in dockerd: --add-runtime and the file's runtimes add up; a
// name both define differently is refused (dockerd lets the file win without a word).
import { isDeepStrictEqual } from 'node:util';
import type { DaemonJson } from './daemon-json.ts';
import { ConfigError } from './errors.ts';
import { SETTINGS, type Settings } from './settings.ts';

/** Throws a ConfigError listing every setting present in both `flags` and `file`. */
export function checkConflicts(flags: Settings, file: DaemonJson): void {
  const both = SETTINGS.filter((s) => s.key !== 'runtimes' && Object.hasOwn(flags, s.key) && Object.hasOwn(file.settings, s.key));
  const list = both.map(({ key }) => {
    const where = `at line ${file.lines.get(key) ?? 1} of ${file.file}`;
    return `${key}: (from flag: ${goFormat(flags[key])}, from file: ${goFormat(file.settings[key])}) ${where}`;
  });
  const [fromFlags, fromFile] = [flags.runtimes ?? {}, file.settings.runtimes ?? {}];
  for (const name of Object.keys(fromFlags).filter((n) => Object.hasOwn(fromFile, n))) {
    if (isDeepStrictEqual(fromFlags[name], fromFile[name])) continue;
    const where = `at line ${file.lines.get('runtimes') ?? 1} of ${file.file}`;
    list.push(`runtimes.${name}: (from flag: ${goFormat(fromFlags[name])}, from file: ${goFormat(fromFile[name])}) ${where}`);
  }
  if (list.length === 0) return;
  // dockerd's wording, with the file and line added to each directive.
  const intro = 'the following directives are specified both as a flag and in the configuration file';
  throw new ConfigError(`${intro}: ${list.join(', ')}`);
}

/** The file's settings with the flags' over them; runtimes from both (checkConflicts first). */
export function mergeSettings(flags: Settings, file: Settings): Settings {
  const merged: Settings = { ...file, ...flags };
  if (flags.runtimes && file.runtimes) merged.runtimes = { ...file.runtimes, ...flags.runtimes };
  return merged;
}

/** Values shown the way dockerd prints them (Go's %v): [a b], map[k:v]. */
export function goFormat(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `map[${Object.entries(v).map(([k, x]) => `${k}:${goFormat(x)}`).join(' ')}]`;
  }
  return String(v);
}
