// A setting given both as a flag and in daemon.json is refused, as dockerd does: silently
// preferring one of them would leave the user unsure which value the daemon runs with.
import type { DaemonJson } from './daemon-json.ts';
import { ConfigError } from './errors.ts';
import { SETTINGS, type Settings } from './settings.ts';

/** Throws a ConfigError listing every setting present in both `flags` and `file`. */
export function checkConflicts(flags: Settings, file: DaemonJson): void {
  const both = SETTINGS.filter((s) => Object.hasOwn(flags, s.key) && Object.hasOwn(file.settings, s.key));
  if (both.length === 0) return;
  const list = both.map(({ key }) => {
    const where = `at line ${file.lines.get(key) ?? 1} of ${file.file}`;
    return `${key}: (from flag: ${goFormat(flags[key])}, from file: ${goFormat(file.settings[key])}) ${where}`;
  });
  // dockerd's wording, with the file and line added to each directive.
  const intro = 'the following directives are specified both as a flag and in the configuration file';
  throw new ConfigError(`${intro}: ${list.join(', ')}`);
}

/** Values shown the way dockerd prints them (Go's %v): [a b], map[k:v]. */
export function goFormat(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `map[${Object.entries(v).map(([k, x]) => `${k}:${goFormat(x)}`).join(' ')}]`;
  }
  return String(v);
}
