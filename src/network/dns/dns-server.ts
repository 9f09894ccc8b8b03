// One network's resolver: UDP and TCP sockets on the network's gateway address (port 53), in
// the host's namespace, answering with that network's names only — a query on one network's
// address never sees another network's names, because each address has its own table.
//
// Why the gateway and not 127.0.0.11 as Docker: Docker binds inside every container's netns and
// redirects port 53 there with NAT rules, so each container costs sockets and rules that live
// in the daemon. Like Podman's aardvark-dns, berth answers on the gateway, one process for all
// networks (src/bin/berth-dns.ts): containers get `nameserver <gateway>`, nothing is made per
// container, and the resolver, a process of its own, keeps answering while berthd restarts.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { frame } from './forwarder.ts';
import { NameTable } from './name-table.ts';
import { formatHostPort, parseHostPort, type DnsNetwork, type HostPort } from './records.ts';
import { respond, type Resolver } from './respond.ts';

/** A client's TCP connection with no query for this long is closed (RFC 7766 suggests seconds). */
const TCP_IDLE_MS = 10_000;

export class NetworkDnsServer {
  readonly listen: HostPort;
  #resolver: Resolver;
  /** Containers with servers of their own (--dns) or link aliases, by their address: their
   * forwards go to their servers, and their links' names answer for them alone. */
  #bySource = new Map<string, Resolver>();
  #logger: Logger | undefined;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;
  #conns = new Set<Socket>();

  constructor(net: DnsNetwork, upstreams: readonly HostPort[], logger?: Logger) {
    this.listen = parseHostPort(net.listen);
    this.#logger = logger;
    this.#resolver = this.#resolverFor(net, upstreams);
  }

  get network(): string {
    return this.#resolver.table.network;
  }

  /** New names and upstreams, on the sockets already bound. */
  update(net: DnsNetwork, upstreams: readonly HostPort[]): void {
    this.#resolver = this.#resolverFor(net, upstreams);
  }

  #resolverFor(net: DnsNetwork, upstreams: readonly HostPort[]): Resolver {
    // Never forward to ourselves (a host whose resolv.conf names this gateway): that would loop.
    const self = formatHostPort(this.listen);
    const usable = (list: readonly HostPort[]) => net.internal ? [] : list.filter((u) => formatHostPort(u) !== self);
    const table = new NameTable(net);
    this.#bySource = new Map();
    const shared = usable(upstreams);
    for (const e of net.entries) {
      if (!e.upstream?.length && !e.links?.length) continue;
      const own = {
        table: e.links?.length ? new NameTable({ ...net, entries: [...net.entries, ...e.links] }) : table,
        upstreams: e.upstream?.length ? usable(e.upstream.map((u) => parseHostPort(u))) : shared,
      };
      if (e.ipv4) this.#bySource.set(e.ipv4, own);
      if (e.ipv6) this.#bySource.set(e.ipv6, own);
    }
    return { table, upstreams: shared };
  }

  /** Binds UDP and TCP; on failure nothing stays bound and the error (EADDRNOTAVAIL...) is thrown. */
  async start(): Promise<void> {
    try {
      this.#udp = await this.#bindUdp();
      this.#tcp = await this.#bindTcp();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  #bindUdp(): Promise<UdpSocket> {
    const sock = createSocket(isIP(this.listen.host) === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      sock.once('error', (err) => {
        sock.close();
        reject(err);
      });
      sock.bind({ address: this.listen.host, port: this.listen.port, exclusive: true }, () => {
        sock.removeAllListeners('error');
        sock.on('error', logFailure(this.#logger, 'DNS UDP socket', { fields: { listen: formatHostPort(this.listen) }, level: 'warn' }));
        sock.on('message', (msg, from) => this.#onDatagram(sock, msg, from.address, from.port));
        resolve(sock);
      });
    });
  }

  #bindTcp(): Promise<Server> {
    const server = createServer((c) => this.#onConnection(c));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.listen.host, port: this.listen.port, exclusive: true }, () => {
        server.removeListener('error', reject);
        server.on('error', logFailure(this.#logger, 'DNS TCP listener', { fields: { listen: formatHostPort(this.listen) }, level: 'warn' }));
        resolve(server);
      });
    });
  }

  #onDatagram(sock: UdpSocket, msg: Buffer, host: string, port: number): void {
    void this.#answer(msg, false, host).then((out) => {
      if (out && sock === this.#udp) sock.send(out, port, host, (err) => err && this.#failed('DNS UDP answer', err));
    });
  }

  #onConnection(c: Socket): void {
    this.#conns.add(c);
    c.setTimeout(TCP_IDLE_MS, () => c.destroy());
    c.on('close', () => this.#conns.delete(c));
    c.on('error', () => c.destroy()); // a client that went away: nothing to answer
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      // Several queries may come pipelined on one connection; each is answered when ready
      // (the ids tell the client which is which, RFC 7766 6.2.1.1).
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void this.#answer(Buffer.from(msg), true, c.remoteAddress ?? '').then((out) => {
          if (out && !c.destroyed) c.write(frame(out));
        });
      }
    });
  }

  async #answer(msg: Buffer, tcp: boolean, source: string): Promise<Buffer | undefined> {
    try {
      const resolver = this.#bySource.get(source.replace(/^::ffff:/, '')) ?? this.#resolver;
      const { answer, outcome } = await respond(msg, resolver, tcp);
      if (outcome === 'servfail') this.#logger?.debug('no upstream DNS server answered', { network: this.network });
      return answer;
    } catch (err) {
      this.#failed('DNS query', err);
      return undefined;
    }
  }

  #failed(what: string, err: unknown): void {
    logFailure(this.#logger, what, { fields: { network: this.network } })(err);
  }

  async close(): Promise<void> {
    const udp = this.#udp;
    const tcp = this.#tcp;
    this.#udp = this.#tcp = undefined;
    for (const c of this.#conns) c.destroy();
    await Promise.all([
      udp && new Promise<void>((r) => udp.close(() => r())),
      tcp && new Promise<void>((r) => tcp.close(() => r())),
    ]);
  }
}
