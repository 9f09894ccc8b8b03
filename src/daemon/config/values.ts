// Checks for single setting values, shared by the flag parser and the daemon.json reader.
// Each returns the value to keep (sometimes normalised) or throws a ValueError.
import { isIP, isIPv4 } from 'node:net';
import { LOG_LEVELS, type LogLevel } from '../../lib/logger.ts';
import { ValueError } from './errors.ts';
import { parseHost } from './hosts.ts';
import { STOCK_RUNTIME } from './defaults.ts';
import { setEntry } from './json-positions.ts';
import type { RuntimeConfig } from './types.ts';

/** Hosts are kept as written: the default TCP port depends on TLS, known only after merging. */
export function checkHost(v: string): string {
  parseHost(v, false);
  return v;
}

export function checkLogLevel(v: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === v);
  if (!level) throw new ValueError(`unknown log level "${v}": expected one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

export function checkIP(v: string): string {
  if (!isIP(v)) throw new ValueError(`IP address is not correctly formatted: ${v}`);
  return v;
}

/** Like dockerd's ValidateMirror: an http(s) URL with nothing but scheme, host and port. */
export function checkMirror(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ValueError(`invalid mirror: "${v}" is not a URL (expected http://HOST or https://HOST)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValueError(`invalid mirror: unsupported scheme "${url.protocol.slice(0, -1)}" in "${v}"`);
  }
  if (url.username || url.password) throw new ValueError(`invalid mirror: "${v}" must not contain credentials`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ValueError(`invalid mirror: path, query and fragment are not allowed in "${v}"`);
  }
  return `${url.protocol}//${url.host}/`;
}

/** A registry host[:port] or a CIDR; like dockerd, an http:// or https:// prefix is dropped. */
export function checkInsecureRegistry(v: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(v);
  if (m && m[1] !== 'http' && m[1] !== 'https') throw new ValueError(`insecure registry ${v} should not contain '://'`);
  const rest = m ? m[2]! : v;
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(rest);
  const validCidr = cidr !== null && isIP(cidr[1]!) !== 0 && Number(cidr[2]) <= (isIPv4(cidr[1]!) ? 32 : 128);
  if (rest === '' || /\s/.test(rest) || (rest.includes('/') && !validCidr)) {
    throw new ValueError(`invalid insecure registry "${v}": expected HOST[:PORT] or a CIDR`);
  }
  return rest;
}

/** --bip is the bridge's own address with its prefix length, e.g. 172.18.0.1/16. */
export function checkBip(v: string): string {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(v);
  if (!m || !isIPv4(m[1]!) || Number(m[2]) > 32) {
    throw new ValueError(`invalid CIDR address "${v}": expected an IPv4 address with a prefix length, e.g. 172.18.0.1/16`);
  }
  return v;
}

/** --fixed-cidr: an IPv4 subnet (the part of the bridge's subnet containers get addresses from). */
export function checkCidr(v: string): string {
  checkBip(v);
  return v;
}

/** -b/--bridge: a Linux interface name (IFNAMSIZ) or "none". */
export function checkBridgeName(v: string): string {
  if (v.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(v)) throw new ValueError(`invalid bridge name "${v}": at most 15 letters, digits, "_", "." or "-" (or "none")`);
  return v;
}

/** --mtu: an integer dockerd would take for an interface (68, IPv4's minimum, to 65535). */
export function checkMtu(v: string): string {
  if (!/^\d+$/.test(v) || Number(v) < 68 || Number(v) > 65535) throw new ValueError(`invalid MTU "${v}": expected an integer from 68 to 65535`);
  return v;
}

/** One --default-address-pool: base=CIDR,size=N, the size a prefix length within the base's. */
export function parsePool(v: string): { base: string; size: number } {
  const fields = Object.fromEntries(v.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')).trim().toLowerCase(), kv.slice(kv.indexOf('=') + 1).trim()]));
  const keys = Object.keys(fields);
  if (keys.some((k) => k !== 'base' && k !== 'size') || !fields.base || !fields.size) throw new ValueError(`invalid address pool "${v}": expected base=CIDR,size=N`);
  return checkPool(fields.base, Number(fields.size));
}

export function checkPool(base: string, size: number): { base: string; size: number } {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(base);
  const bits = m && isIP(m[1]!) === 4 ? 32 : m && isIP(m[1]!) === 6 ? 128 : 0;
  if (!m || bits === 0 || Number(m[2]) > bits) throw new ValueError(`invalid address pool base "${base}": expected a CIDR such as 10.10.0.0/16`);
  if (!Number.isInteger(size) || size < Number(m[2]) || size > bits) throw new ValueError(`invalid address pool size ${size} for ${base}: expected a prefix length from ${m[2]} to ${bits}`);
  return { base, size };
}

export function checkNonEmpty(v: string): string {
  if (v.trim() === '') throw new ValueError('must not be empty');
  return v;
}

/** One --log-opt KEY=VALUE. */
export function splitKeyValue(v: string): [string, string] {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new ValueError(`expected KEY=VALUE, got "${v}"`);
  return [v.slice(0, eq), v.slice(eq + 1)];
}

/**
 * Repeated --add-runtime NAME=PATH, as dockerd's RuntimeOpt reads them: both sides trimmed, the
 * name lower-cased, runc reserved, a name given twice refused. `guard` names the flag in errors.
 */
export function parseRuntimeFlags(items: string[], guard: (item: string, parse: (v: string) => void) => void): Record<string, RuntimeConfig> {
  const out: Record<string, RuntimeConfig> = {};
  for (const item of items) {
    guard(item, (v) => {
      const eq = v.indexOf('=');
      const name = v.slice(0, eq).trim().toLowerCase();
      const path = v.slice(eq + 1).trim();
      if (eq < 0 || name === '' || path === '') throw new ValueError(`invalid runtime argument: ${v}`);
      if (name === STOCK_RUNTIME) throw new ValueError(`runtime name '${STOCK_RUNTIME}' is reserved`);
      if (Object.hasOwn(out, name)) throw new ValueError(`runtime '${name}' was already defined`);
      setEntry(out, name, { path });
    });
  }
  return out;
}

/** Go's strconv.ParseBool spellings, which pflag accepts in --flag=VALUE. */
export function parseBool(v: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new ValueError('expected true or false');
}
