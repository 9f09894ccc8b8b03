// Which registry a server address names, and whether berthd may talk to it without TLS
// verification. Both follow dockerd's registry package so `docker login` addresses and
// daemon.json's "insecure-registries" mean the same here.
import { BlockList, isIP } from 'node:net';
import { invalidParameter } from '../../api/types/errors.ts';

export interface RegistryHost {
  /** The index name: `docker.io` for Docker Hub, else `host[:port]` as written. */
  name: string;
  /** The host[:port] the distribution API is served from. */
  apiHost: string;
  /** The key clients file the credentials under (docker's config.json `auths`). */
  authKey: string;
  official: boolean;
}

export const DOCKER_HUB: RegistryHost = Object.freeze({
  name: 'docker.io',
  apiHost: 'registry-1.docker.io',
  authKey: 'https://index.docker.io/v1/',
  official: true,
});

const HUB_NAMES = new Set(['', 'docker.io', 'index.docker.io']);

/** `https://host:port/any/path` → `host:port`; every spelling of Docker Hub → DOCKER_HUB. */
export function normalizeRegistryHost(serveraddress: string | undefined): RegistryHost {
  const host = stripSchemeAndPath(serveraddress ?? '');
  if (HUB_NAMES.has(host)) return DOCKER_HUB;
  if (!/^([a-z0-9]([a-z0-9._-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:\d{1,5})?$/.test(host)) {
    throw invalidParameter(`invalid registry address "${serveraddress}"`);
  }
  return { name: host, apiHost: host, authKey: host, official: false };
}

function stripSchemeAndPath(address: string): string {
  const rest = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = rest.indexOf('/');
  // Host names are case-insensitive; one spelling keeps insecure-registry matching exact.
  return (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
}

/** `host:port`, `[v6]:port`, `host`, `v6` → the bare host, without port or brackets. */
export function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']'));
  const colons = host.split(':').length - 1;
  if (colons === 1) return host.slice(0, host.indexOf(':'));
  return host; // no port, or a bare IPv6 address
}

/** dockerd's defaults: loopback is always insecure, so a local registry works out of the box. */
const DEFAULT_INSECURE_CIDRS = ['127.0.0.0/8', '::1/128'];

/**
 * Whether `host` (host[:port]) is an insecure registry. Entries are `host[:port]` (matched
 * exactly, as dockerd does: `myreg` does not cover `myreg:5000`) or CIDRs (IPv4 or IPv6) that
 * cover IP-literal hosts. Docker Hub is never insecure. dockerd also resolves names to test
 * them against CIDRs; here only `localhost` is treated as the loopback it names.
 */
export function isInsecureRegistry(host: string, insecureRegistries: readonly string[] = []): boolean {
  const name = stripSchemeAndPath(host);
  if (HUB_NAMES.has(name) || name === DOCKER_HUB.apiHost) return false;
  const cidrs = new BlockList();
  for (const cidr of DEFAULT_INSECURE_CIDRS) addCidr(cidrs, cidr);
  for (const raw of insecureRegistries) {
    // dockerd drops a leading http(s):// from entries with a warning; a CIDR keeps its `/bits`.
    const entry = raw.trim().replace(/^https?:\/\//i, '').replace(/\/$/, '').toLowerCase();
    if (entry === name) return true;
    addCidr(cidrs, entry);
  }
  const bare = hostOnly(name);
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && cidrs.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** Adds `entry` when it is a CIDR; other entries are host names and are ignored here. */
function addCidr(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/');
  if (slash < 0) return;
  const addr = entry.slice(0, slash);
  const bits = entry.slice(slash + 1);
  const family = isIP(addr);
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return;
  list.addSubnet(addr, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
}
