// berth's NAT and network filtering, in one nftables table of its own (family inet: IPv4 and
// IPv6 in one ruleset; nft-rules.ts draws it), plus a bridge-family table of the same name when
// a network has icc=false. Why nftables rather than iptables chains as dockerd:
// - every change is one nft batch (on the daemon's long-lived `nft -i`, nft-session.ts),
//   committed atomically: publish() replaces a container's rules with no moment where the
//   port answers nothing or twice;
// - berth's own table leaves the host's rules alone (no chains threaded into the host's
//   FORWARD/PREROUTING, no ordering fights with firewalld or ufw), and clean-up is one
//   `delete table` (per family, both in one transaction);
// - the rules are kernel state: published ports keep working while berthd is down or
//   restarting (dockerd's userland proxy dies with it: moby#27880). The host's own 127.0.0.1 is
//   served by DNAT in the output hook with route_localnet on the bridge, not by a proxy.
// State kept here (owners, bridges) is a cache of the kernel's, read back at init().
import { writeFile } from 'node:fs/promises';
import { SerialQueue } from '../lib/keyed-mutex.ts';
import { orIfMissing } from '../lib/log-failure.ts';
import type { Logger } from '../lib/logger.ts';
import { HostForward } from './host-forward.ts';
import { elementsOf, postSubnetsOf, readState } from './nft-json.ts';
import { baseBatch, checkName, iccBatch, iccRemoveBatch, networkBatch, ownerBatch, publishedBatch, removeNetworkBatch, type NetworkRules, type PortMap } from './nft-rules.ts';
import { nftApply, nftListTable } from './run-tool.ts';

export type { PortMap } from './nft-rules.ts';

export class Firewall {
  readonly #table: string;
  readonly #logger: Logger | undefined;
  readonly #host: HostForward;
  readonly #lock = new SerialQueue(); // one change at a time: the owner list is rebuilt from #owners
  #owners = new Set<string>();
  #ready: Promise<void> | undefined;

  constructor(o: { table: string; logger?: Logger }) {
    this.#table = checkName('table', o.table);
    this.#logger = o.logger;
    this.#host = new HostForward({ table: o.table, logger: o.logger });
  }

  /** Creates the table or brings an existing one (a previous berthd's) up to date, keeping its
   *  published ports and networks; idempotent. */
  init(): Promise<void> {
    this.#ready ??= this.#serial(async () => {
      const objs = await nftListTable('inet', this.#table);
      const state = readState(objs);
      this.#owners = new Set(state.owners);
      await nftApply(baseBatch(this.#table, [...this.#owners]));
      // The host's FORWARD policy may have turned to DROP since (dockerd started).
      for (const b of state.bridges) await this.#host.allow(b, postSubnetsOf(objs, b).some((s) => s.includes(':')));
    }).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  async addNetwork(n: NetworkRules): Promise<void> {
    await this.init();
    await this.#serial(async () => {
      const subnets = [n.subnet, ...(n.ipv6Subnet ? [n.ipv6Subnet] : [])];
      await nftApply([...networkBatch(this.#table, n), ...(n.icc ? [] : iccBatch(this.#table, subnets))]);
      // Locally generated traffic to 127.0.0.1 DNATed out this bridge (the guard chain keeps
      // containers from using it the other way).
      await writeFile(`/proc/sys/net/ipv4/conf/${n.bridge}/route_localnet`, '1');
      await this.#host.allow(n.bridge, !!n.ipv6Subnet);
    });
  }

  async removeNetwork(bridge: string): Promise<void> {
    await this.init();
    await this.#serial(async () => {
      const subnets = postSubnetsOf(await nftListTable('inet', this.#table), bridge);
      const noIcc = new Set(elementsOf(await nftListTable('bridge', this.#table), ['noicc', 'noicc6']));
      const icc = iccRemoveBatch(this.#table, subnets.filter((s) => noIcc.has(s)));
      await nftApply([...removeNetworkBatch(this.#table, bridge, subnets), ...icc]);
      await resetLocalnet(bridge);
      await this.#host.revoke(bridge);
    });
  }

  /** Replaces the owner's DNAT rules with `maps` in one transaction (none: as unpublish). */
  async publish(owner: string, maps: PortMap[]): Promise<void> {
    if (maps.length === 0) return this.unpublish(owner);
    await this.init();
    await this.#serial(async () => {
      await this.#apply(() => {
        const batch = ownerBatch(this.#table, owner, maps);
        if (!this.#owners.has(owner)) batch.push(`add rule inet ${this.#table} published jump own_${owner}`);
        return batch;
      });
      this.#owners.add(owner);
    });
  }

  async unpublish(owner: string): Promise<void> {
    await this.init();
    await this.#serial(async () => {
      const chain = `inet ${this.#table} own_${checkName('owner', owner)}`;
      await this.#apply(() => {
        const rest = [...this.#owners].filter((o) => o !== owner);
        return [...publishedBatch(this.#table, rest), `add chain ${chain}`, `delete chain ${chain}`];
      });
      this.#owners.delete(owner);
    });
  }

  /** The owners whose rules are in the kernel (read from it, not from this object). */
  async owners(): Promise<string[]> {
    await this.init();
    return (await this.#read()).owners;
  }

  /** Removes everything: the table (one transaction), route_localnet, the FORWARD rules. */
  async destroy(): Promise<void> {
    await this.#serial(async () => {
      const { bridges } = await this.#read();
      // The bridge-family table exists when a network had icc=false (nft-rules.ts: iccBatch).
      await nftApply(['inet', 'bridge'].flatMap((f) => [`add table ${f} ${this.#table}`, `delete table ${f} ${this.#table}`]));
      for (const b of bridges) await resetLocalnet(b);
      await this.#host.revoke();
      this.#owners.clear();
      this.#ready = undefined;
    });
  }

  /** Applies a batch drawn from the owner cache; if the kernel refuses it, the cache may be
   *  stale (another berthd on this table, a hand edit): read the owners back and try once more. */
  async #apply(draw: () => string[]): Promise<void> {
    const batch = draw();
    try {
      await nftApply(batch);
    } catch (err) {
      this.#logger?.debug('nft refused a batch, rereading the table', { table: this.#table, error: (err as Error).message });
      this.#owners = new Set((await this.#read()).owners);
      await nftApply(draw());
    }
  }

  async #read(): Promise<{ owners: string[]; bridges: string[] }> {
    return readState(await nftListTable('inet', this.#table));
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(fn);
  }
}

/** route_localnet back to 0 on a bridge that still exists (its removal takes the setting along). */
async function resetLocalnet(bridge: string): Promise<void> {
  await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '0').catch(orIfMissing(undefined));
}
