// Turns merged settings (defaults ← daemon.json ← flags) into the DaemonConfig the daemon uses.
import { join } from 'node:path';
import * as d from './defaults.ts';
import { ConfigError } from './errors.ts';
import { DEFAULT_HOST, parseHost } from './hosts.ts';
import type { Settings } from './settings.ts';
import type { DaemonConfig } from './types.ts';
import { parseCidr } from '../networks/addresses.ts';
import { LOG_DRIVERS, validateLogOpts } from '../containers/log-config.ts';

export function buildConfig(s: Settings, configFile: string, certDir: string, defaults: d.PathDefaults = d.ROOTFUL_PATHS): DaemonConfig {
  return {
    ...paths(s, configFile, defaults),
    ...tlsAndHosts(s, certDir, defaults),
    rootless: defaults.rootless,
    liveRestore: s['live-restore'] ?? true,
    group: s.group ?? d.DEFAULT_GROUP,
    ...logging(s),
    storageDriver: s['storage-driver'],
    dns: s.dns ?? [],
    dnsSearch: s['dns-search'] ?? [],
    dnsOptions: s['dns-opts'] ?? [],
    registryMirrors: s['registry-mirrors'] ?? [],
    insecureRegistries: s['insecure-registries'] ?? [],
    ...runtimes(s),
    ...bridge(s),
    iptables: s.iptables ?? true,
    experimental: s.experimental ?? false,
    authzPolicy: s['authz-policy'],
  };
}

/** The default bridge: its name, addresses and options, checked against each other. */
function bridge(s: Settings): Pick<DaemonConfig, 'bip' | 'bridge' | 'fixedCidr' | 'defaultAddressPools' | 'mtu' | 'icc' | 'ipMasq'> {
  const fixed = s['fixed-cidr'];
  if (fixed && s.bip && !subnetContains(s.bip, fixed)) throw new ConfigError(`fixed-cidr ${fixed} is not within the bridge's subnet (bip ${s.bip})`);
  return {
    bip: s.bip,
    bridge: s.bridge ?? d.DEFAULT_BRIDGE,
    fixedCidr: fixed,
    defaultAddressPools: s['default-address-pools'],
    mtu: s.mtu ?? 1500,
    icc: s.icc ?? true,
    ipMasq: s['ip-masq'] ?? true,
  };
}

function subnetContains(outer: string, inner: string): boolean {
  const [o, i] = [parseCidr(outer)!, parseCidr(inner)!];
  return i.prefix >= o.prefix && o.base === ((i.base >> BigInt(32 - o.prefix)) << BigInt(32 - o.prefix));
}

function paths(s: Settings, configFile: string, defaults: d.PathDefaults): Pick<DaemonConfig, 'dataRoot' | 'execRoot' | 'pidfile' | 'configFile'> {
  return {
    dataRoot: s['data-root'] ?? defaults.dataRoot,
    execRoot: s['exec-root'] ?? defaults.execRoot,
    pidfile: s.pidfile ?? defaults.pidfile,
    configFile,
  };
}

type TlsAndHosts = Pick<DaemonConfig, 'hosts' | 'tls' | 'tlsVerify' | 'tlsCaCert' | 'tlsCert' | 'tlsKey'>;

function tlsAndHosts(s: Settings, certDir: string, defaults: d.PathDefaults): TlsAndHosts {
  const tlsVerify = s.tlsverify ?? false;
  // --tlsverify implies --tls; an explicit tls:false is kept only when nothing verifies.
  const tls = tlsVerify ? true : s.tls;
  const given = s.hosts && s.hosts.length > 0 ? s.hosts : [defaults.rootless ? `unix://${defaults.socket}` : DEFAULT_HOST];
  return {
    // The default TCP port (2375/2376) depends on TLS, so hosts are normalised only now.
    hosts: [...new Set(given.map((h) => parseHost(h, tls === true)))],
    tls,
    tlsVerify,
    tlsCaCert: s.tlscacert ?? join(certDir, 'ca.pem'),
    tlsCert: s.tlscert ?? join(certDir, 'cert.pem'),
    tlsKey: s.tlskey ?? join(certDir, 'key.pem'),
  };
}

function logging(s: Settings): Pick<DaemonConfig, 'debug' | 'logLevel' | 'logDriver' | 'logOpts'> {
  const debug = s.debug ?? false;
  const logDriver = s['log-driver'] ?? d.DEFAULT_LOG_DRIVER;
  return {
    debug,
    // --debug means "log level debug" unless a level was said explicitly.
    logLevel: s['log-level'] ?? (debug ? 'debug' : 'info'),
    logDriver,
    // As given: rotation defaults (json-file: 10m, 3 files) are the drivers' own, for keys unset.
    logOpts: checkLogConfig(logDriver, s['log-opts'] ?? {}),
  };
}

function checkLogConfig(driver: string, opts: Record<string, string>): Record<string, string> {
  if (!(LOG_DRIVERS as readonly string[]).includes(driver)) {
    throw new ConfigError(`unknown log-driver "${driver}": berthd has ${LOG_DRIVERS.join(', ')}`);
  }
  try {
    validateLogOpts(driver, opts);
  } catch (err) {
    throw new ConfigError(`failed to set log opts: ${(err as Error).message}`); // dockerd's wording
  }
  return opts;
}

function runtimes(s: Settings): Pick<DaemonConfig, 'defaultRuntime' | 'runtimes'> {
  const configured = s.runtimes ?? {};
  // dockerd's texts. (daemon.json and --add-runtime refuse the name already, with its place.)
  if (Object.hasOwn(configured, d.STOCK_RUNTIME)) throw new ConfigError(`runtime name '${d.STOCK_RUNTIME}' is reserved`);
  const defaultRuntime = s['default-runtime'] ?? d.DEFAULT_RUNTIME;
  const offered = d.offeredRuntimes(configured);
  if (!Object.hasOwn(offered, defaultRuntime)) {
    throw new ConfigError(`specified default runtime '${defaultRuntime}' does not exist (runtimes: ${Object.keys(offered).join(', ')})`);
  }
  return { defaultRuntime, runtimes: configured };
}
