// -H / "hosts" addresses, normalised the way dockerd does (opts.ParseHost).
import { isIP, isIPv6 } from 'node:net';
import { ValueError } from './errors.ts';

export const DEFAULT_UNIX_SOCKET = '/run/berth/berth.sock';
export const DEFAULT_HOST = `unix://${DEFAULT_UNIX_SOCKET}`;
// dockerd's defaults: 2375 for plain HTTP, 2376 when TLS is on.
const HTTP_PORT = 2375;
const TLS_PORT = 2376;
// dockerd says "localhost"; 127.0.0.1 is used because Node may resolve localhost to ::1 only.
const DEFAULT_TCP_HOST = '127.0.0.1';

/**
 * Normalises one listen address: "unix://PATH" (empty path = the default socket),
 * "tcp://HOST[:PORT]" (port defaults by `tls`), or a bare "HOST:PORT", which dockerd reads as TCP.
 * "fd://" (every socket the service manager passed, systemd socket activation) or "fd://N"
 * (that descriptor). Every other scheme is refused.
 */
export function parseHost(addr: string, tls: boolean): string {
  const trimmed = addr.trim();
  if (trimmed === '') return DEFAULT_HOST;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(trimmed);
  const scheme = m ? m[1]!.toLowerCase() : 'tcp';
  const rest = m ? m[2]! : trimmed;
  if (scheme === 'unix') return `unix://${rest === '' ? DEFAULT_UNIX_SOCKET : rest}`;
  if (scheme === 'tcp') return parseTcp(rest, tls, addr);
  if (scheme === 'fd') {
    if (rest === '' || rest === '*') return 'fd://';
    if (/^\d+$/.test(rest) && Number(rest) >= 3) return `fd://${Number(rest)}`;
    throw new ValueError(`invalid bind address format: ${addr} (fd:// takes a descriptor number from 3 up, or nothing for all)`);
  }
  throw new ValueError(`invalid bind address format: ${addr}`);
}

function parseTcp(rest: string, tls: boolean, addr: string): string {
  const bad = (why: string) => new ValueError(`invalid bind address format: ${addr} (${why})`);
  if (rest.includes('/')) throw bad('a TCP address has no path');
  const { host, port } = splitHostPort(rest, bad);
  if (host !== '' && !isIP(host) && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw bad('bad host name');
  if (port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) throw bad('port must be a number from 0 to 65535');
  const h = host === '' ? DEFAULT_TCP_HOST : host;
  return `tcp://${isIPv6(h) ? `[${h}]` : h}:${port === '' ? (tls ? TLS_PORT : HTTP_PORT) : Number(port)}`;
}

function splitHostPort(rest: string, bad: (why: string) => ValueError): { host: string; port: string } {
  if (rest.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
    if (!m || !isIPv6(m[1]!)) throw bad('bad IPv6 address');
    return { host: m[1]!, port: m[2] ?? '' };
  }
  const colons = rest.split(':').length - 1;
  if (colons > 1) throw bad('put IPv6 addresses in brackets: tcp://[::1]:2375');
  const [host, port = ''] = rest.split(':') as [string, string?];
  return { host, port };
}
