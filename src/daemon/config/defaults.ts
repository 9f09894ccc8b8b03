// berthd's defaults, where they differ from "not set" (dockerd's values, with berth's paths).
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeConfig } from './types.ts';

export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';
export const DEFAULT_DATA_ROOT = '/var/lib/berth';
export const DEFAULT_EXEC_ROOT = '/run/berth';
export const DEFAULT_PIDFILE = '/run/berth/berthd.pid';
export const DEFAULT_GROUP = 'berth';
export const DEFAULT_LOG_DRIVER = 'json-file';
export const DEFAULT_RUNTIME = 'runc';

export function defaultRuntimes(): Record<string, RuntimeConfig> {
  return { runc: { path: 'runc' } };
}

export interface LoadOptions {
  /** The daemon.json read when --config-file is not given (tests point it elsewhere). */
  defaultConfigFile?: string;
  /** Environment for DOCKER_CERT_PATH; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for ~/.docker; os.homedir() when absent. */
  homedir?: string;
}

/** Where --tlscacert/--tlscert/--tlskey point by default: $DOCKER_CERT_PATH or ~/.docker, like dockerd. */
export function defaultCertDir(opts: LoadOptions = {}): string {
  const env = opts.env ?? process.env;
  return env.DOCKER_CERT_PATH || join(opts.homedir ?? homedir(), '.docker');
}
