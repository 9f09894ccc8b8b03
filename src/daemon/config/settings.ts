// The one table of berthd settings: each daemon.json key, its JSON type, its flag (if any) and
// the check its values go through. Flags and daemon.json both produce a `Settings` object, so
// merging and conflict detection work on daemon.json key names, as dockerd's do.
import type { LogLevel } from '../../lib/logger.ts';
import type { AddressPool, DaemonConfig, RuntimeConfig } from './types.ts';
import {
  checkBip, checkBridgeName, checkCidr, checkHost, checkMtu, checkInsecureRegistry, checkIP, checkLogLevel, checkMirror, checkNonEmpty,
} from './values.ts';

/** Settings as written in daemon.json (after checks); absent = not given. */
export interface Settings {
  hosts?: string[];
  'data-root'?: string;
  'exec-root'?: string;
  pidfile?: string;
  'live-restore'?: boolean;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  group?: string;
  debug?: boolean;
  'log-level'?: LogLevel;
  'storage-driver'?: string;
  'log-driver'?: string;
  'log-opts'?: Record<string, string>;
  dns?: string[];
  'dns-search'?: string[];
  'dns-opts'?: string[];
  'registry-mirrors'?: string[];
  'insecure-registries'?: string[];
  'default-runtime'?: string;
  runtimes?: Record<string, RuntimeConfig>;
  bip?: string;
  bridge?: string;
  'fixed-cidr'?: string;
  'default-address-pools'?: AddressPool[];
  mtu?: number;
  icc?: boolean;
  'ip-masq'?: boolean;
  iptables?: boolean;
  experimental?: boolean;
  'authz-policy'?: string;
}

export type SettingKey = keyof Settings;

/** JSON shape: list = array of strings, map = object of strings, runtimes = object of {path, runtimeArgs},
 * integer = a JSON integer, pools = array of {base, size} (--default-address-pool base=CIDR,size=N). */
export type SettingType = 'string' | 'boolean' | 'integer' | 'list' | 'map' | 'runtimes' | 'pools';

export interface SettingSpec {
  key: SettingKey;
  /** Where the setting ends up in DaemonConfig. */
  field: keyof DaemonConfig;
  type: SettingType;
  /** The long flag, when there is one (dockerd's flags are often singular: --dns, --log-opt). */
  flag?: string;
  short?: string;
  /** Applied to a string value, or to each item of a list. */
  check?: (v: string) => string;
}

export const SETTINGS: readonly SettingSpec[] = [
  { key: 'hosts', field: 'hosts', type: 'list', flag: 'host', short: 'H', check: checkHost },
  { key: 'data-root', field: 'dataRoot', type: 'string', flag: 'data-root', check: checkNonEmpty },
  { key: 'exec-root', field: 'execRoot', type: 'string', flag: 'exec-root', check: checkNonEmpty },
  { key: 'pidfile', field: 'pidfile', type: 'string', flag: 'pidfile', check: checkNonEmpty },
  { key: 'live-restore', field: 'liveRestore', type: 'boolean', flag: 'live-restore' },
  { key: 'tls', field: 'tls', type: 'boolean', flag: 'tls' },
  { key: 'tlsverify', field: 'tlsVerify', type: 'boolean', flag: 'tlsverify' },
  { key: 'tlscacert', field: 'tlsCaCert', type: 'string', flag: 'tlscacert', check: checkNonEmpty },
  { key: 'tlscert', field: 'tlsCert', type: 'string', flag: 'tlscert', check: checkNonEmpty },
  { key: 'tlskey', field: 'tlsKey', type: 'string', flag: 'tlskey', check: checkNonEmpty },
  { key: 'group', field: 'group', type: 'string', flag: 'group', short: 'G' },
  { key: 'debug', field: 'debug', type: 'boolean', flag: 'debug', short: 'D' },
  { key: 'log-level', field: 'logLevel', type: 'string', flag: 'log-level', short: 'l', check: checkLogLevel },
  { key: 'storage-driver', field: 'storageDriver', type: 'string', flag: 'storage-driver', short: 's', check: checkNonEmpty },
  { key: 'log-driver', field: 'logDriver', type: 'string', flag: 'log-driver', check: checkNonEmpty },
  { key: 'log-opts', field: 'logOpts', type: 'map', flag: 'log-opt' },
  { key: 'dns', field: 'dns', type: 'list', flag: 'dns', check: checkIP },
  { key: 'dns-search', field: 'dnsSearch', type: 'list', flag: 'dns-search', check: checkNonEmpty },
  { key: 'dns-opts', field: 'dnsOptions', type: 'list', flag: 'dns-opt', check: checkNonEmpty },
  { key: 'registry-mirrors', field: 'registryMirrors', type: 'list', flag: 'registry-mirror', check: checkMirror },
  { key: 'insecure-registries', field: 'insecureRegistries', type: 'list', flag: 'insecure-registry', check: checkInsecureRegistry },
  { key: 'default-runtime', field: 'defaultRuntime', type: 'string', flag: 'default-runtime', check: checkNonEmpty },
  { key: 'runtimes', field: 'runtimes', type: 'runtimes', flag: 'add-runtime' },
  { key: 'bip', field: 'bip', type: 'string', flag: 'bip', check: checkBip },
  { key: 'bridge', field: 'bridge', type: 'string', flag: 'bridge', short: 'b', check: checkBridgeName },
  { key: 'fixed-cidr', field: 'fixedCidr', type: 'string', flag: 'fixed-cidr', check: checkCidr },
  { key: 'default-address-pools', field: 'defaultAddressPools', type: 'pools', flag: 'default-address-pool' },
  { key: 'mtu', field: 'mtu', type: 'integer', flag: 'mtu', check: checkMtu },
  { key: 'icc', field: 'icc', type: 'boolean', flag: 'icc' },
  { key: 'ip-masq', field: 'ipMasq', type: 'boolean', flag: 'ip-masq' },
  { key: 'iptables', field: 'iptables', type: 'boolean', flag: 'iptables' },
  { key: 'experimental', field: 'experimental', type: 'boolean', flag: 'experimental' },
  { key: 'authz-policy', field: 'authzPolicy', type: 'string', flag: 'authz-policy', check: checkNonEmpty },
];

export const SETTINGS_BY_KEY: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((s) => [s.key, s]));
