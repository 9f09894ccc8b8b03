// What the berth-dns process runs: one NetworkDnsServer per network of the records, kept in step
// with them at each reload. A network whose listen address is unchanged keeps its sockets (its
// names and upstreams are swapped in place, so no query is dropped by a reload); gone networks
// are unbound; new ones are bound. A bind can fail because the network's bridge is not up yet
// (EADDRNOTAVAIL: berthd writes the records around the time it makes the bridge, and nothing
// orders the two); such a network is retried at the next reload and every second for a while.
import type { Logger } from '../../lib/logger.ts';
import { NetworkDnsServer } from './dns-server.ts';
import { formatHostPort, parseHostPort, type DnsNetwork, type DnsRecords, type HostPort } from './records.ts';
import { SerialQueue } from '../../lib/keyed-mutex.ts';

export const RETRY_EVERY_MS = 1000;
/** After a reload, failed binds are retried this long; then only at the next reload. */
export const RETRY_FOR_MS = 120_000;

export class DnsService {
  #logger: Logger | undefined;
  #servers = new Map<string, NetworkDnsServer>();
  #waiting = new Map<string, DnsNetwork>();
  #upstreams: HostPort[] = [];
  #retryUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #queue = new SerialQueue();

  constructor(o: { logger?: Logger } = {}) {
    this.#logger = o.logger;
  }

  /** Reconciles the listeners with `r`. Calls are serialized: the last one wins. */
  apply(r: DnsRecords): Promise<void> {
    return this.#serial(() => this.#apply(r));
  }

  /** The addresses ("ip:port") bound now. */
  listening(): string[] {
    return [...this.#servers.keys()];
  }

  /** Networks whose addresses could not be bound yet. */
  waiting(): string[] {
    return [...this.#waiting.keys()];
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#serial(async () => {
      this.#waiting.clear();
      await Promise.all([...this.#servers.values()].map((s) => s.close()));
      this.#servers.clear();
    });
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    return this.#queue.run(fn);
  }

  async #apply(r: DnsRecords): Promise<void> {
    this.#upstreams = r.upstream.map((u) => parseHostPort(u));
    const wanted = new Map(r.networks.map((n) => [formatHostPort(parseHostPort(n.listen)), n]));
    for (const [key, server] of this.#servers) {
      if (wanted.has(key)) continue;
      this.#servers.delete(key);
      await server.close();
      this.#logger?.info('DNS listener closed', { network: server.network, listen: key });
    }
    this.#waiting.clear();
    for (const [key, net] of wanted) {
      const server = this.#servers.get(key);
      if (server) server.update(net, this.#upstreams);
      else this.#waiting.set(key, net);
    }
    await this.#bindWaiting(true);
    if (this.#waiting.size > 0) {
      this.#retryUntil = Date.now() + RETRY_FOR_MS;
      this.#timer ??= setInterval(() => void this.#serial(() => this.#retry()), RETRY_EVERY_MS);
    }
  }

  async #retry(): Promise<void> {
    if (this.#waiting.size > 0 && Date.now() < this.#retryUntil) return this.#bindWaiting(false);
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const [key, net] of this.#waiting) {
      this.#logger?.warn('DNS listener still not bound: retried again at the next reload', { network: net.name, listen: key });
    }
  }

  async #bindWaiting(first: boolean): Promise<void> {
    for (const [key, net] of this.#waiting) {
      const server = new NetworkDnsServer(net, this.#upstreams, this.#logger);
      try {
        await server.start();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        // The bridge not up yet is expected for a moment; anything else (the port taken by
        // another resolver, no permission) needs a look, so it is a warning from the start.
        const level = code === 'EADDRNOTAVAIL' ? (first ? 'info' : 'debug') : first ? 'warn' : 'debug';
        this.#logger?.[level]('DNS listener not bound yet, will retry', { network: net.name, listen: key, error: code });
        continue;
      }
      this.#waiting.delete(key);
      this.#servers.set(key, server);
      this.#logger?.info('DNS listening', { network: net.name, listen: key });
    }
  }
}
