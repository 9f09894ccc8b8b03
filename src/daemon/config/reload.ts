// SIGHUP: re-read daemon.json and apply what can change without a restart.
import { isDeepStrictEqual } from 'node:util';
import type { LogLevel } from '../../lib/logger.ts';
import { buildConfig } from './build.ts';
import { checkConflicts, mergeSettings } from './conflicts.ts';
import { readDaemonJson, type DaemonJson } from './daemon-json.ts';
import { SETTINGS, type Settings } from './settings.ts';
import { RELOADABLE_KEYS, type DaemonConfig } from './types.ts';

export interface ReloadResult {
  /** The new running configuration: `current` with the reloadable settings from the file. */
  config: DaemonConfig;
  /** Reloadable keys whose value changed. */
  applied: string[];
  /** Keys in the file whose value differs from the running one but that need a restart. */
  ignored: string[];
}

const RELOADABLE: ReadonlySet<string> = new Set(RELOADABLE_KEYS);

/**
 * Re-reads `configFile` (validated as strictly as at startup). On any problem it throws a
 * ConfigError and `current` stays as it was (it is never modified). Settings absent from the
 * file keep their running value, as in dockerd, so a flag-given value survives a reload; pass
 * the startup flags' settings to also refuse the file setting what a flag already set.
 */
export function reloadDaemonConfig(current: DaemonConfig, configFile = current.configFile, flags: Settings = {}): ReloadResult {
  const file = readDaemonJson(configFile, false);
  checkConflicts(flags, file);
  // What a restart with this file would give; it also runs the cross-setting checks. (The cert
  // directory is irrelevant: settingsOf(current) always carries the three TLS paths.)
  // The flags' runtimes stay, with the file's (as at startup).
  const restarted = buildConfig(mergeSettings(flags, { ...settingsOf(current), ...file.settings }), configFile, '');
  const inFile = SETTINGS.filter((s) => Object.hasOwn(file.settings, s.key));
  const changed = inFile.filter((s) => !isDeepStrictEqual(restarted[s.field], current[s.field]));
  const config = { ...applyReloadable(current, file, restarted), configFile };
  const applied = SETTINGS.filter((s) => RELOADABLE.has(s.key) && !isDeepStrictEqual(config[s.field], current[s.field]));
  return {
    config,
    applied: applied.map((s) => s.key),
    ignored: changed.filter((s) => !RELOADABLE.has(s.key)).map((s) => s.key),
  };
}

/** The running configuration expressed as settings, so the file can be laid over it. */
function settingsOf(config: DaemonConfig): Settings {
  const out: Settings = {};
  for (const s of SETTINGS) if (config[s.field] !== undefined) Object.assign(out, { [s.key]: config[s.field] });
  return out;
}

function applyReloadable(current: DaemonConfig, file: DaemonJson, restarted: DaemonConfig): DaemonConfig {
  const s = file.settings;
  return {
    ...current,
    // Containers created meanwhile keep the runtime they name; a running one keeps the binary
    // it was started with (container-runtimes.ts).
    defaultRuntime: restarted.defaultRuntime,
    runtimes: restarted.runtimes,
    debug: s.debug ?? current.debug,
    logLevel: reloadedLogLevel(current, s),
    registryMirrors: s['registry-mirrors'] ?? current.registryMirrors,
    insecureRegistries: s['insecure-registries'] ?? current.insecureRegistries,
  };
}

/** An explicit log-level wins; otherwise turning debug on or off moves the level (dockerd's way). */
function reloadedLogLevel(current: DaemonConfig, s: Settings): LogLevel {
  if (s['log-level'] !== undefined) return s['log-level'];
  if (s.debug !== undefined && s.debug !== current.debug) return s.debug ? 'debug' : 'info';
  return current.logLevel;
}
