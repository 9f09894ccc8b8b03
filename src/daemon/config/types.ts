// berthd's settings, after flags and daemon.json have been merged and validated.
import type { LogLevel } from '../../lib/logger.ts';

export interface RuntimeConfig {
  path: string;
  runtimeArgs?: string[];
}

export interface DaemonConfig {
  /** Listen addresses: unix:///path, tcp://host:port (fd:// is not supported). */
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  /** The daemon.json that was read (it may not exist; then only flags and defaults apply). */
  configFile: string;
  liveRestore: boolean;
  /** undefined = not said; false = said explicitly (required for plain TCP off loopback). */
  tls: boolean | undefined;
  tlsVerify: boolean;
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
  /** Group that owns unix sockets (used when it exists). */
  group: string;
  debug: boolean;
  logLevel: LogLevel;
  storageDriver: string | undefined;
  logDriver: string;
  logOpts: Record<string, string>;
  dns: string[];
  registryMirrors: string[];
  insecureRegistries: string[];
  defaultRuntime: string;
  /** The runtimes configured (daemon.json `runtimes`, --add-runtime); the built-in runc and crun
   * are added by offeredRuntimes(). */
  runtimes: Record<string, RuntimeConfig>;
  bip: string | undefined;
  iptables: boolean;
  experimental: boolean;
}

/** The settings SIGHUP may change without a restart. */
export const RELOADABLE_KEYS = ['debug', 'log-level', 'registry-mirrors', 'insecure-registries', 'default-runtime', 'runtimes'] as const;
