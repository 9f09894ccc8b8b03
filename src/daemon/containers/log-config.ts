// Logging drivers as dockerd presents them: a container's HostConfig.LogConfig is completed at
// create (the daemon's driver when none is named; the daemon's log-opts under the container's
// own when the drivers match) and checked with dockerd's texts. berthd has json-file, local and
// none; all three are conmon's k8s-file on disk, and differ in rotation, compression and whether
// `docker logs` may read them.
//
// Deviation from dockerd, on purpose: json-file rotates by default (max-size 10m, max-file 3);
// dockerd's unlimited default fills disks (moby#40207). These defaults are the driver's own, so
// inspect shows the opts as given, as dockerd's does.
import { invalidParameter } from '../../api/types/errors.ts';
import { atoi, fromHumanSize, parseBool, ramInBytes } from '../../lib/go-units.ts';
import type { RotationPolicy } from '../../runtime/monitor/log-rotation.ts';

export interface LogConfig {
  Type: string;
  Config: Record<string, string>;
}

export interface DaemonLogDefaults {
  driver: string;
  opts: Record<string, string>;
}

/** What berthd keeps of a container's output, and whether `docker logs` may read it. */
export interface LogPolicy extends RotationPolicy {
  readable: boolean;
}

export const LOG_DRIVERS = ['json-file', 'local', 'none'] as const;
/** The drivers `docker info` lists under Plugins.Log (dockerd does not list "none"). */
export const LISTED_LOG_DRIVERS = ['json-file', 'local'];

const COMMON_ATTRS = ['labels', 'labels-regex', 'env', 'env-regex', 'tag'];
const DRIVER_KEYS = ['max-file', 'max-size', 'compress', ...COMMON_ATTRS];
/** dockerd's local-cache keys: every driver takes them, and they pass from the daemon's opts to any driver. */
const CACHE_KEYS = new Set(['disabled', ...DRIVER_KEYS].map((k) => `cache-${k}`));
/** Options every driver takes. */
const BUILTIN_KEYS = new Set(['mode', 'max-buffer-size', ...CACHE_KEYS]);

/** The "none" driver still needs a file for attach to read from; it is kept small and removed at exit. */
const NONE_POLICY: LogPolicy = { maxSize: 1024 * 1024, maxFiles: 1, compress: false, readable: false };

/** HostConfig.LogConfig as dockerd stores it after create; throws invalidParameter (400). */
export function resolveLogConfig(requested: unknown, daemon: DaemonLogDefaults): LogConfig {
  const req = checkShape(requested);
  const cfg: LogConfig = { Type: req.Type || daemon.driver, Config: { ...req.Config } };
  for (const [k, v] of Object.entries(daemon.opts)) {
    const inherit = cfg.Type === daemon.driver || CACHE_KEYS.has(k);
    if (inherit && !Object.hasOwn(cfg.Config, k)) cfg.Config[k] = v;
  }
  try {
    validateLogOpts(cfg.Type, cfg.Config);
  } catch (err) {
    throw invalidParameter((err as Error).message);
  }
  return cfg;
}

function checkShape(v: unknown): { Type: string; Config: Record<string, string> } {
  if (v == null) return { Type: '', Config: {} };
  const fail = (field: string, want: string) => invalidParameter(`invalid value for "HostConfig.LogConfig${field}": expected ${want}`);
  if (typeof v !== 'object' || Array.isArray(v)) throw fail('', 'an object');
  const { Type = '', Config } = v as { Type?: unknown; Config?: unknown };
  if (typeof Type !== 'string') throw fail('.Type', 'a string');
  if (Config != null && (typeof Config !== 'object' || Array.isArray(Config))) throw fail('.Config', 'an object');
  for (const [k, x] of Object.entries(Config ?? {})) if (typeof x !== 'string') throw fail(`.Config.${k}`, 'a string');
  return { Type, Config: (Config ?? {}) as Record<string, string> };
}

/** dockerd's checks (logger.ValidateLogOpts, then the values its drivers parse at start). */
export function validateLogOpts(driver: string, opts: Record<string, string>): void {
  if (driver === 'none') return; // as in dockerd: anything goes, nothing is used
  const mode = opts.mode ?? '';
  if (!['', 'blocking', 'non-blocking'].includes(mode)) throw new Error(`logger: logging mode not supported: ${mode}`);
  if (Object.hasOwn(opts, 'max-buffer-size')) {
    if (mode !== 'non-blocking') throw new Error("logger: max-buffer-size option is only supported with 'mode=non-blocking'");
    wrap('error parsing option max-buffer-size: ', () => ramInBytes(opts['max-buffer-size']!));
  }
  const cacheDisabled = opts['cache-disabled'] ?? '';
  if (cacheDisabled !== '') wrap('', () => parseBool(cacheDisabled), `invalid value for option cache-disabled: ${cacheDisabled}`);
  if (!(LOG_DRIVERS as readonly string[]).includes(driver)) throw new Error(`logger: no log driver named '${driver}' is registered`);
  for (const key of Object.keys(opts)) {
    if (BUILTIN_KEYS.has(key) || DRIVER_KEYS.includes(key)) continue;
    throw new Error(driver === 'local' ? `unknown log opt '${key}' for log driver local` : `unknown log opt '${key}' for ${driver} log driver`);
  }
  logPolicy({ Type: driver, Config: opts });
}

/** Rotation for a container's log (berth's defaults where the opts say nothing). Throws dockerd's texts. */
export function logPolicy(cfg: LogConfig): LogPolicy {
  if (cfg.Type === 'none') return { ...NONE_POLICY };
  const o = cfg.Config;
  return cfg.Type === 'local' ? localPolicy(o) : jsonFilePolicy(o);
}

// json-file: dockerd's jsonfilelog.New, with berth's defaults instead of "unlimited, one file".
function jsonFilePolicy(o: Record<string, string>): LogPolicy {
  const maxSize = o['max-size'] === undefined ? 10_000_000 : fromHumanSize(o['max-size']);
  if (maxSize <= 0) throw new Error('max-size must be a positive number');
  const maxFiles = o['max-file'] === undefined ? 3 : atoi(o['max-file']);
  if (maxFiles < 1) throw new Error('max-file cannot be less than 1');
  const compress = o.compress === undefined ? false : parseBool(o.compress);
  if (compress && maxFiles === 1) throw new Error('compress cannot be true when max-file is less than 2 or max-size is not set');
  return { maxSize, maxFiles, compress, readable: true };
}

// local: dockerd's local driver (20 MiB, 5 files, compressed). max-size 0 means no rotation here.
function localPolicy(o: Record<string, string>): LogPolicy {
  const v = (key: string) => o[key]!;
  const maxSize = o['max-size'] === undefined ? 20 * 1024 * 1024 : wrap(`invalid value for max-size: ${v('max-size')}: `, () => fromHumanSize(v('max-size')));
  const maxFiles = o['max-file'] === undefined ? 5 : wrap(`invalid value for max-file: ${v('max-file')}: `, () => atoi(v('max-file')));
  const compress = o.compress === undefined ? true : wrap('invalid boolean value for compress: ', () => parseBool(v('compress')));
  if (maxFiles < 0) throw new Error('max-file must not be negative');
  if (compress && maxFiles <= 1) throw new Error('compression cannot be enabled when max file count is 1');
  return { maxSize, maxFiles: Math.max(1, maxFiles), compress, readable: true };
}

function wrap<T>(prefix: string, parse: () => T, replace?: string): T {
  try {
    return parse();
  } catch (err) {
    throw new Error(replace ?? `${prefix}${(err as Error).message}`);
  }
}
