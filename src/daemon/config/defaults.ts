// berthd's defaults, where they differ from "not set" (dockerd's values, with berth's paths).
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { which } from '../../lib/which.ts';
import type { RuntimeConfig } from './types.ts';

export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';
export const DEFAULT_DATA_ROOT = '/var/lib/berth';
export const DEFAULT_EXEC_ROOT = '/run/berth';
export const DEFAULT_PIDFILE = '/run/berth/berthd.pid';
export const DEFAULT_GROUP = 'berth';
export const DEFAULT_LOG_DRIVER = 'json-file';
export const DEFAULT_RUNTIME = 'runc';
/** The defaults that differ between a root berthd and a rootless one (src/rootless/paths.ts). */
export interface PathDefaults {
  configFile: string;
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  /** The unix socket when no -H/hosts is given (a path, no scheme). */
  socket: string;
  rootless: boolean;
}

export const ROOTFUL_PATHS: PathDefaults = {
  configFile: DEFAULT_CONFIG_FILE,
  dataRoot: DEFAULT_DATA_ROOT,
  execRoot: DEFAULT_EXEC_ROOT,
  pidfile: DEFAULT_PIDFILE,
  socket: '/run/berth/berth.sock',
  rootless: false,
};

/** The default bridge's Linux name (dockerd's is docker0). */
export const DEFAULT_BRIDGE = 'berth0';
/** The one runtime name no configuration may redefine (dockerd reserves it too). */
export const STOCK_RUNTIME = 'runc';

/**
 * The runtimes berthd offers without configuration: runc, and crun when it is installed (its C
 * start-up makes each create and exec cheaper than runc's Go one). A runtime the user
 * configures under the name crun replaces the detected one. Whether crun can run containers
 * on this host (cgroup layout) is decided at its first use, not here.
 */
export function builtinRuntimes(): Record<string, RuntimeConfig> {
  const builtin: Record<string, RuntimeConfig> = { [STOCK_RUNTIME]: { path: 'runc' } };
  // Looked up once: this is on the path of every create and start.
  crunInstalled ??= isAbsolute(which('crun'));
  if (crunInstalled) builtin.crun = { path: 'crun' };
  return builtin;
}

let crunInstalled: boolean | undefined;

/** Every runtime a container may name: the built-in ones, then the configured ones over them. */
export function offeredRuntimes(configured: Readonly<Record<string, RuntimeConfig>>): Record<string, RuntimeConfig> {
  return { ...builtinRuntimes(), ...configured };
}

export interface LoadOptions {
  /** The daemon.json read when --config-file is not given (tests point it elsewhere). */
  defaultConfigFile?: string;
  /** Environment for DOCKER_CERT_PATH; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for ~/.docker; os.homedir() when absent. */
  homedir?: string;
  /** Root or rootless defaults; by the process (src/rootless/env.ts) when absent. */
  paths?: PathDefaults;
}

/** Where --tlscacert/--tlscert/--tlskey point by default: $DOCKER_CERT_PATH or ~/.docker, like dockerd. */
export function defaultCertDir(opts: LoadOptions = {}): string {
  const env = opts.env ?? process.env;
  // $HOME first, as os.homedir() itself does: node:os then need not load at every start.
  return env.DOCKER_CERT_PATH || join(opts.homedir ?? (process.env.HOME || homedir()), '.docker');
}
