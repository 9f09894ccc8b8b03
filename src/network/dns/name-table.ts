// One network's names → addresses, as berth-dns answers them: each entry's names (container
// name, aliases, short id) and `<name>.<network>`, case-insensitive, with or without the
// trailing dot. Several containers sharing an alias give all their addresses, rotated by one at
// each query (round robin, as Docker's embedded DNS does) so clients that take the first
// address spread over them. A container's addresses also answer PTR queries with
// `<name>.<network>` (its first name, the container's), as Docker's do, so a reverse lookup of a
// peer does not leak to the host's resolvers.
import { normalizeName, type DnsNetwork } from './records.ts';
import { reverseName } from './reverse.ts';

export interface Addresses {
  ipv4: string[];
  ipv6: string[];
}

export class NameTable {
  readonly network: string;
  #names = new Map<string, Addresses>();
  /** Rotation of each set of addresses (keyed by the set, in the order the records give it). */
  #turn = new Map<string, number>();
  #pointers = new Map<string, string>();

  constructor(net: DnsNetwork) {
    this.network = net.name;
    const suffix = '.' + normalizeName(net.name);
    for (const e of net.entries) {
      for (const n of e.names) {
        const name = normalizeName(n);
        for (const key of [name, name + suffix]) this.#add(key, e.ipv4, e.ipv6);
      }
      const first = e.names[0];
      if (first === undefined) continue;
      for (const ip of [e.ipv4, e.ipv6]) {
        const rev = ip && reverseName(ip);
        if (rev && !this.#pointers.has(rev)) this.#pointers.set(rev, `${first}.${net.name}`);
      }
    }
  }

  /** The name a reverse query (`2.0.18.172.in-addr.arpa`) points to, if one of this network's. */
  pointer(qname: string): string | undefined {
    return this.#pointers.get(normalizeName(qname));
  }

  #add(key: string, ipv4: string | undefined, ipv6: string | undefined): void {
    let a = this.#names.get(key);
    if (!a) this.#names.set(key, (a = { ipv4: [], ipv6: [] }));
    if (ipv4 && !a.ipv4.includes(ipv4)) a.ipv4.push(ipv4);
    if (ipv6 && !a.ipv6.includes(ipv6)) a.ipv6.push(ipv6);
  }

  /** The name's addresses of one family, rotated; undefined for a name this network lacks. */
  lookup(qname: string, family: 4 | 6): string[] | undefined {
    const key = normalizeName(qname);
    const a = this.#names.get(key);
    if (!a) return undefined;
    const list = family === 4 ? a.ipv4 : a.ipv6;
    if (list.length < 2) return [...list];
    // One turn per set of addresses, not per name: `api` and `api.<network>` rotate together.
    const turnKey = list.join(',');
    const turn = this.#turn.get(turnKey) ?? 0;
    this.#turn.set(turnKey, (turn + 1) % list.length);
    return [...list.slice(turn), ...list.slice(0, turn)];
  }
}
