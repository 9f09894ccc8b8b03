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
