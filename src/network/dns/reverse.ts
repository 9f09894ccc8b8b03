// Reverse names (RFC 1035 3.5, RFC 3596 2.5): the PTR query name of an address.
import { isIP } from 'node:net';

/** "172.18.0.2" → "2.0.18.172.in-addr.arpa"; "fd00::2" → "2.0.0.0…d.f.ip6.arpa". */
export function reverseName(ip: string): string | undefined {
  if (isIP(ip) === 4) return ip.split('.').reverse().join('.') + '.in-addr.arpa';
  if (isIP(ip) !== 6 || ip.includes('.')) return undefined; // an embedded IPv4 form: never a container's address
  const [head = '', tail] = ip.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const nibbles = all.map((g) => g.padStart(4, '0')).join('').toLowerCase();
  return [...nibbles].reverse().join('.') + '.ip6.arpa';
}
