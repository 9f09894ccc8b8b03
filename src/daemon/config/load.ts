// Startup configuration: defaults ← daemon.json ← flags.
import { buildConfig } from './build.ts';
import { checkConflicts, mergeSettings } from './conflicts.ts';
import { readDaemonJson, type DaemonJson } from './daemon-json.ts';
import { defaultCertDir, ROOTFUL_PATHS, type LoadOptions, type PathDefaults } from './defaults.ts';
import { runsRootless } from '../../rootless/env.ts';
import { rootlessPaths } from '../../rootless/paths.ts';
import { parseDaemonArgs } from './flags.ts';
import type { DaemonConfig } from './types.ts';

export interface LoadedConfig {
  config: DaemonConfig;
  /** --validate: check the configuration, then exit. */
  validateOnly: boolean;
  showVersion: boolean;
  showHelp: boolean;
}

/** Parses berthd's argv (without "node" and the script) and daemon.json; throws ConfigError. */
export function loadDaemonConfig(argv: readonly string[], opts: LoadOptions = {}): LoadedConfig {
  const args = parseDaemonArgs(argv);
  // --help and --version need no XDG_RUNTIME_DIR, even for an ordinary user.
  const defaults = args.help || args.version ? ROOTFUL_PATHS : (opts.paths ?? processPaths(opts));
  const configFile = args.configFile ?? opts.defaultConfigFile ?? defaults.configFile;
  // --help and --version must work even with a broken daemon.json, so it isn't read for them.
  const file: DaemonJson = args.help || args.version
    ? { file: configFile, exists: false, settings: {}, lines: new Map() }
    // The default file may be absent; one named with --config-file must exist.
    : readDaemonJson(configFile, args.configFile !== undefined);
  checkConflicts(args.settings, file);
  const config = buildConfig(mergeSettings(args.settings, file.settings), configFile, defaultCertDir(opts), defaults);
  return { config, validateOnly: args.validate, showVersion: args.version, showHelp: args.help };
}

/** Root's paths, or the user's XDG directories for a rootless berthd (src/rootless/paths.ts). */
function processPaths(opts: LoadOptions): PathDefaults {
  const env = opts.env ?? process.env;
  if (!runsRootless(env)) return ROOTFUL_PATHS;
  return { ...rootlessPaths(env), rootless: true };
}
