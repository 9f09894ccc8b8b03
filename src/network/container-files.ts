// The three files dockerd writes for each container's network — /etc/hosts, /etc/resolv.conf,
// /etc/hostname — byte for byte as dockerd 20.10 (libnetwork's etchosts and resolvconf) writes
// them, for the docker users and tools that read them (checked against Debian's dockerd 20.10:
// the tests' expected bytes are its output). Pure: the caller reads the host's resolv.conf and
// writes the results under the container's directory.
// Written by hand: the files are a few lines each, and their bytes (blank lines, a missing final
// newline after a fallback) come from libnetwork's regular expressions, which no resolv.conf
// library on npm reproduces. One deliberate difference: with --dns-search or --dns-option but no --dns, dockerd 20.10 keeps
// the host's loopback nameservers (a container cannot reach them); berth drops them as it does
// without those options, falling back to Google's servers when none is left.

const DEFAULT_HOSTS: [ip: string, names: string, v6: boolean][] = [
  ['127.0.0.1', 'localhost', false],
  ['::1', 'localhost ip6-localhost ip6-loopback', true],
  ['fe00::0', 'ip6-localnet', true],
  ['ff00::0', 'ip6-mcastprefix', true],
  ['ff02::1', 'ip6-allnodes', true],
  ['ff02::2', 'ip6-allrouters', true],
];

export interface HostsOptions {
  /** The container's own addresses (one line each, after the others, as endpoints join). */
  ips: string[];
  hostname: string;
  domainname?: string;
  /** Added to the container's own lines (dockerd 20.10 writes none: pass none to match it). */
  aliases?: string[];
  /** --add-host (host-gateway already resolved). */
  extra?: { host: string; ip: string }[];
  /** Legacy links: names are the alias, the linked container's hostname and its name. */
  links?: { ip: string; names: string[] }[];
  /** false: leave out the IPv6 entries (a container with IPv6 disabled). dockerd 20.10 always
   * writes them: the default is true. */
  ipv6?: boolean;
}

export function hostsFile(o: HostsOptions): string {
  const fqdn = o.domainname ? `${o.hostname}.${o.domainname}` : o.hostname;
  const dot = fqdn.indexOf('.');
  // The FQDN and the bare name, as dockerd writes them.
  const own = [dot > 0 ? `${fqdn} ${fqdn.slice(0, dot)}` : fqdn, ...(o.aliases ?? [])].join(' ');
  const lines = [
    ...DEFAULT_HOSTS.filter(([, , v6]) => o.ipv6 !== false || !v6).map(([ip, names]) => `${ip}\t${names}`),
    ...(o.extra ?? []).map((e) => `${e.ip}\t${e.host}`),
    ...(o.links ?? []).map((l) => `${l.ip}\t${l.names.join(' ')}`),
    ...o.ips.map((ip) => `${ip}\t${own}`),
  ];
  return lines.map((l) => `${l}\n`).join('');
}

/** A legacy link's names in /etc/hosts: the alias, the linked container's hostname and its
 * name (left out when it is the alias), as dockerd writes them. */
export function linkNames(alias: string, hostname: string, name: string): string[] {
  return alias === name ? [alias, hostname] : [alias, hostname, name];
}

/** /etc/hostname: the hostname and a newline (no domain). */
export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}

// libnetwork's patterns, kept as they are (their quirks shape the bytes).
const IPV4 = String.raw`(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9]|)[0-9])(?:\.(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9]|)[0-9])){3}`;
const IPV6 = String.raw`(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?`;
const LOCALHOST_NS = /^nameserver\s+(?:(?:127\.(?:[0-9]{1,3}\.){2}[0-9]{1,3})|(?:::1)$)\s*\n*/gm;
const IPV6_NS = new RegExp(String.raw`^nameserver\s+${IPV6}\s*\n*`, 'gm');
const NS_LINE = new RegExp(String.raw`^\s*nameserver\s*(${IPV4}|${IPV6})\s*$`);
const SEARCH_LINE = /^\s*search\s*((?:[^\s]+\s*)*)$/;
const OPTIONS_LINE = /^\s*options\s*((?:[^\s]+\s*)*)$/;
const GOOGLE_V4 = ['8.8.8.8', '8.8.4.4'];
const GOOGLE_V6 = ['2001:4860:4860::8888', '2001:4860:4860::8844'];

/** What a resolv.conf says (comments after "#" ignored; the last search and options lines win). */
export function parseResolvConf(text: string): { nameservers: string[]; search: string[]; options: string[] } {
  const out = { nameservers: [] as string[], search: [] as string[], options: [] as string[] };
  for (const raw of text.split('\n')) {
    const line = raw.includes('#') ? raw.slice(0, raw.indexOf('#')) : raw;
    const ns = NS_LINE.exec(line);
    if (ns) out.nameservers.push(ns[1]!);
    const search = SEARCH_LINE.exec(line);
    if (search) out.search = search[1]!.trim().split(/\s+/).filter(Boolean);
    const options = OPTIONS_LINE.exec(line);
    if (options) out.options = options[1]!.trim().split(/\s+/).filter(Boolean);
  }
  return out;
}

/** The host's file without loopback nameservers (unreachable from a container) and, without
 * IPv6, without IPv6 ones; when none is left, Google's (fellBack). Two passes as dockerd 20.10
 * makes them (at the sandbox's set-up, then at the endpoint's join), for the same bytes. */
function filtered(hostText: string, ipv6: boolean): { text: string; fellBack: boolean } {
  let fellBack = false;
  const pass = (text: string, dropV6: boolean, withV6: boolean): string => {
    let out = text.replace(LOCALHOST_NS, '');
    if (dropV6) out = out.replace(IPV6_NS, '');
    if (parseResolvConf(out).nameservers.length > 0) return out;
    fellBack = true;
    return `${out}\n${[...GOOGLE_V4, ...(withV6 ? GOOGLE_V6 : [])].map((s) => `nameserver ${s}`).join('\n')}`;
  };
  const first = pass(hostText, false, true);
  return { text: ipv6 ? first : pass(first, true, false), fellBack };
}

/** Which host file a container's resolv.conf starts from, given /etc/resolv.conf's text: with
 * systemd-resolved's stub as its only nameserver, the file that lists the real upstreams (as
 * dockerd chooses; the stub's 127.0.0.53 is unreachable from a container). */
export function hostResolvConfPath(etcResolvConf: string): string {
  const ns = parseResolvConf(etcResolvConf).nameservers;
  return ns.length === 1 && ns[0] === '127.0.0.53' ? '/run/systemd/resolve/resolv.conf' : '/etc/resolv.conf';
}

export interface ResolvOptions {
  /** --dns, --dns-search, --dns-option: each replaces the host's matching lines. */
  dns?: string[];
  search?: string[];
  options?: string[];
  /** User-defined networks: the embedded DNS server's address, the only IPv4 nameserver. */
  nameserver?: string;
  /** The network has IPv6: its IPv6 nameservers are kept. */
  ipv6?: boolean;
}

export function resolvConf(hostText: string, o: ResolvOptions): { text: string; fellBack: boolean } {
  const base = filtered(hostText, o.ipv6 ?? false);
  const given = Boolean(o.dns?.length || o.search?.length || o.options?.length);
  if (!given && !o.nameserver) return base;
  const host = parseResolvConf(base.text);
  const fellBack = !o.dns?.length && base.fellBack;
  let servers = o.dns?.length ? o.dns : host.nameservers;
  let options = o.options?.length ? o.options : host.options;
  if (o.nameserver) {
    // Names go to the embedded server, which forwards the rest; IPv6 servers stay listed as
    // dockerd lists them. ndots:0 unless the user set ndots: a container name has no dot.
    servers = [o.nameserver, ...servers.filter((s) => s.includes(':'))];
    if (!options.some((opt) => opt.includes('ndots'))) options = [...options, 'ndots:0'];
  }
  return { text: build(servers, o.search?.length ? o.search : host.search, options), fellBack };
}

/** libnetwork's Build: search (unless only "."), the nameservers, then options. */
function build(servers: string[], search: string[], options: string[]): string {
  let out = '';
  if (search.length > 0 && search.join(' ').trim() !== '.') out += `search ${search.join(' ')}\n`;
  for (const s of servers) out += `nameserver ${s}\n`;
  if (options.length > 0 && options.join(' ').trim() !== '') out += `options ${options.join(' ')}\n`;
  return out;
}
