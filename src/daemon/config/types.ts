// berthd's settings, after flags and daemon.json have been merged and validated.
import type { LogLevel } from '../../lib/logger.ts';

/** One default-address-pools entry: subnets of prefix `size` carved from `base`. */
export interface AddressPool {
  base: string;
  size: number;
}

export interface RuntimeConfig {
  path: string;
  runtimeArgs?: string[];
}

export interface DaemonConfig {
  /** Listen addresses: unix:///path, tcp://host:port, fd:// or fd://N (socket activation). */
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
  /** Search domains and resolver options for containers' resolv.conf (--dns-search, --dns-opt). */
  dnsSearch: string[];
  dnsOptions: string[];
  registryMirrors: string[];
  insecureRegistries: string[];
  defaultRuntime: string;
  /** The runtimes configured (daemon.json `runtimes`, --add-runtime); the built-in runc and crun
   * are added by offeredRuntimes(). */
  runtimes: Record<string, RuntimeConfig>;
  bip: string | undefined;
  /** The default bridge's Linux name (--bridge/-b, default berth0); "none": no default bridge,
   * containers default to the none network. */
  bridge: string;
  /** The part of the default bridge's subnet containers get addresses from. */
  fixedCidr: string | undefined;
  /** Where new networks' subnets come from; undefined: docker's defaults. */
  defaultAddressPools: AddressPool[] | undefined;
  /** The default bridge's MTU. */
  mtu: number;
  /** Containers on the default bridge may talk to each other. */
  icc: boolean;
  /** Masquerade traffic from the default bridge's subnet. */
  ipMasq: boolean;
  iptables: boolean;
  experimental: boolean;
  /** The authorization policy file (src/authz); undefined: none, as dockerd. */
  authzPolicy: string | undefined;
  /** Rootless (issue 15): started by an ordinary user, running in rootlesskit's user namespace;
   * the holder's details are in src/rootless/env.ts (rootlessChild()). */
  rootless: boolean;
}

/** The settings SIGHUP may change without a restart. */
export const RELOADABLE_KEYS = ['debug', 'log-level', 'registry-mirrors', 'insecure-registries', 'default-runtime', 'runtimes'] as const;
