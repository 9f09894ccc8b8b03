// The records file: everything berth-dns answers, written by berthd (DnsSupervisor) and read by
// the berth-dns process (src/bin/berth-dns.ts). It is the whole contract between the two, so
// berth-dns needs nothing else from berthd and keeps answering while berthd restarts.
// Written atomically (temp file + rename in the same directory): berth-dns, which reloads when
// the file changes, never reads half a file.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';

export interface DnsEntry {
  /** Container name first (PTR answers with it), then aliases and the 12-char short id; each
   *  also answers as `<name>.<network>`. */
  names: string[];
  ipv4?: string;
  ipv6?: string;
  /** The container's own servers (`--dns`): other names its queries ask go there instead of the
   *  daemon's upstreams, as dockerd's embedded DNS forwards them. Matched by the query's source. */
  upstream?: string[];
  /** Names only this container resolves: its links' aliases on a user network (`--link x:alias`,
   *  as dockerd's embedded DNS answers them to the linking container alone). */
  links?: DnsEntry[];
}

export interface DnsNetwork {
  name: string;
  /** "ip" (port 53) or "ip:port" ("[v6]:port"): the network's gateway address. */
  listen: string;
  entries: DnsEntry[];
  /** An --internal network: other names are not forwarded (SERVFAIL), as Docker's embedded DNS
   *  does not forward there — the network is meant to reach nothing outside. */
  internal?: boolean;
}

export interface DnsRecords {
  /** "ip" or "ip:port": other names are forwarded there, in this order. */
  upstream: string[];
  networks: DnsNetwork[];
}

export interface HostPort {
  host: string;
  port: number;
}

/** "1.2.3.4", "1.2.3.4:5353", "::1", "[::1]:5353" → host and port (default 53). */
export function parseHostPort(s: string, defaultPort = 53): HostPort {
  if (isIP(s)) return { host: s, port: defaultPort };
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !isIP(m[1]!) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidParameter(`invalid DNS address "${s}": want ip or ip:port`);
  }
  return { host: m[1]!, port };
}

export function formatHostPort(a: HostPort): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** A DNS name as the tables key it: lower case, no trailing dot. */
export function normalizeName(n: string): string {
  return n.toLowerCase().replace(/\.$/, '');
}

// Loose on purpose: an alias Docker accepts but DNS cannot carry (an underscore, a long label)
// must not make the whole file refused, so a name only has to be something a query could name.
const NAME = /^[^\s.\x00-\x1f\x7f][^\s\x00-\x1f\x7f]{0,252}$/;

function checkName(n: unknown, where: string): string {
  if (typeof n !== 'string' || !NAME.test(n)) throw invalidParameter(`${where}: "${String(n)}" is not a name`);
  return n;
}

function checkIp(v: unknown, family: 4 | 6, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || isIP(v) !== family) throw invalidParameter(`${where}: "${String(v)}" is not an IPv${family} address`);
  return v;
}

function checkEntry(e: unknown, where: string, nested = false): DnsEntry {
  const o = e as Partial<DnsEntry> | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.names)) throw invalidParameter(`${where}: want { names, ipv4?, ipv6? }`);
  const names = o.names.map((n) => checkName(n, where));
  const ipv4 = checkIp(o.ipv4, 4, where);
  const ipv6 = checkIp(o.ipv6, 6, where);
  if (o.upstream !== undefined && (!Array.isArray(o.upstream) || o.upstream.some((u) => typeof u !== 'string'))) throw invalidParameter(`${where}: upstream must be strings`);
  for (const u of o.upstream ?? []) parseHostPort(u);
  if (o.links !== undefined && (nested || !Array.isArray(o.links))) throw invalidParameter(`${where}: links must be a list of entries`);
  const links = (o.links ?? []).map((l) => checkEntry(l, where, true));
  return { names, ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}), ...(o.upstream?.length ? { upstream: o.upstream } : {}), ...(links.length ? { links } : {}) };
}

/** The records, checked: a bad file is refused whole (berth-dns then keeps what it had). */
export function validateRecords(x: unknown): DnsRecords {
  const o = x as Partial<DnsRecords> | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.upstream) || !Array.isArray(o.networks)) {
    throw invalidParameter('DNS records: want { upstream: [], networks: [] }');
  }
  const upstream = o.upstream.map((u) => {
    if (typeof u !== 'string') throw invalidParameter('DNS records: upstream must be strings');
    parseHostPort(u);
    return u;
  });
  const listens = new Set<string>();
  const networks = o.networks.map((n: Partial<DnsNetwork>, i) => {
    const where = `DNS records: network ${typeof n?.name === 'string' ? n.name : i}`;
    if (typeof n?.name !== 'string' || n.name === '' || typeof n.listen !== 'string' || !Array.isArray(n.entries)) {
      throw invalidParameter(`${where}: want { name, listen, entries }`);
    }
    const key = formatHostPort(parseHostPort(n.listen));
    if (listens.has(key)) throw invalidParameter(`${where}: ${key} is listened on by another network`);
    listens.add(key);
    if (n.internal !== undefined && typeof n.internal !== 'boolean') throw invalidParameter(`${where}: internal must be true or false`);
    const entries = n.entries.map((e) => checkEntry(e, where));
    return { name: n.name, listen: n.listen, entries, ...(n.internal ? { internal: true } : {}) };
  });
  return { upstream, networks };
}

/** Writes the records atomically: a reader sees the old file or the new one, never a mix. */
export function writeRecords(file: string, r: DnsRecords): void {
  const checked = validateRecords(r);
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(checked, null, 1) + '\n', { mode: 0o644 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function readRecords(file: string): DnsRecords {
  return validateRecords(JSON.parse(readFileSync(file, 'utf8')));
}
