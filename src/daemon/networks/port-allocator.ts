// Host ports for a start's port requests: a fixed port must be free of other containers (the
// store) and of host processes (a bind test that names the holder); a range gives its first
// free port; a random port comes from the kernel's ephemeral range. One allocation runs at a
// time in this daemon, so two starts never pick the same random port; the store's UNIQUE key
// is the guard behind that.
import { conflict } from '../../api/types/errors.ts';
import { bindCheck, type HostPortCheck } from '../../network/port-holder.ts';
import type { PublishedPort, PublishedPortsTable } from '../../store/published-ports.ts';
import type { PortRequest } from './port-plan.ts';
import { SerialQueue } from '../../lib/keyed-mutex.ts';

export class PortAllocator {
  readonly #table: PublishedPortsTable;
  readonly #host: HostPortCheck;
  readonly #queue = new SerialQueue();

  /** `host`: how host ports are tested (a rootless daemon cannot bind the host's). */
  constructor(table: PublishedPortsTable, host: HostPortCheck = bindCheck) {
    this.#table = table;
    this.#host = host;
  }

  /** Chooses, records and returns the container's published ports (replacing earlier rows). */
  allocate(containerId: string, requests: readonly PortRequest[], target: { containerIp: string; bridge: string }): Promise<PublishedPort[]> {
    return this.#queue.run(() => this.#allocate(containerId, requests, target));
  }

  /** The container's published ports, as recorded. */
  of(containerId: string): PublishedPort[] {
    return this.#table.of(containerId);
  }

  /** Every container's published ports (one query for a whole `ps`). */
  all(): PublishedPort[] {
    return this.#table.all();
  }

  release(containerId: string): void {
    this.#table.release(containerId);
  }

  async #allocate(containerId: string, requests: readonly PortRequest[], target: { containerIp: string; bridge: string }): Promise<PublishedPort[]> {
    this.#table.release(containerId); // a run's leftovers (a crash before its end was recorded)
    const taken = new Set(this.#table.all().map((p) => `${p.proto}/${p.hostPort}`));
    const out: PublishedPort[] = [];
    for (const r of requests) {
      const hostPort = await this.#choose(r, taken, out);
      taken.add(`${r.proto}/${hostPort}`);
      out.push({ containerId, proto: r.proto, hostIp: r.hostIp, hostPort, containerPort: r.containerPort, ...target });
    }
    try {
      this.#table.replace(containerId, out);
    } catch (err) {
      if (/UNIQUE/.test((err as Error).message)) throw conflict(`a host port of ${containerId.slice(0, 12)} was published by another container meanwhile`);
      throw err;
    }
    return out;
  }

  async #choose(r: PortRequest, taken: ReadonlySet<string>, mine: readonly PublishedPort[]): Promise<number> {
    const addr = r.hostIp || '0.0.0.0';
    if (r.low === 0) {
      const exclude = new Set([...taken].filter((k) => k.startsWith(`${r.proto}/`)).map((k) => Number(k.split('/')[1])));
      return this.#host.pickFree(r.hostIp, r.proto, exclude);
    }
    let last: unknown;
    for (let port = r.low; port <= r.high; port++) {
      const holder = this.#table.holder(r.proto, r.hostIp, port) ?? mine.find((p) => p.proto === r.proto && p.hostPort === port && (!p.hostIp || !r.hostIp || p.hostIp === r.hostIp));
      if (holder) {
        last = conflict(`Bind for ${addr}:${port} failed: port is already allocated to container ${holder.containerId.slice(0, 12)}`);
        continue;
      }
      try {
        await this.#host.checkFree(r.hostIp, port, r.proto);
        return port;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
}
