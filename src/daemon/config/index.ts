// berthd configuration: flags, daemon.json, SIGHUP reload. Import from here.
export type { DaemonConfig, RuntimeConfig } from './types.ts';
export { RELOADABLE_KEYS } from './types.ts';
export { ConfigError } from './errors.ts';
export { parseDaemonArgs, type ParsedDaemonArgs } from './flags.ts';
export { loadDaemonConfig, type LoadedConfig } from './load.ts';
export { reloadDaemonConfig, type ReloadResult } from './reload.ts';
export { readDaemonJson, parseDaemonJson, type DaemonJson } from './daemon-json.ts';
export { parseHost, DEFAULT_HOST } from './hosts.ts';
export { DEFAULT_CONFIG_FILE, STOCK_RUNTIME, offeredRuntimes, type LoadOptions } from './defaults.ts';
export type { Settings, SettingKey } from './settings.ts';
export { DAEMON_HELP } from './help.ts';
