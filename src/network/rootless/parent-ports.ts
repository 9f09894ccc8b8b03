// Published ports of a rootless berthd. berthd runs inside rootlesskit's network namespace, so
// the host's side of `-p 127.0.0.1:8080:80` is a listener rootlesskit's parent process opens on
// the host (port-api.ts); each connection it accepts, rootlesskit's child process (inside the
// namespace) connects on to the container's address and port. Inside the namespace, berth's
// firewall keeps its usual DNAT rules (so a container still reaches a port published by another
// through its gateway, as on a rootful host); the parent's traffic does not need them.
//
// Why the child connects to the container's address rather than to 127.0.0.1:<host port> and
// DNAT: a binding on one host address (-p 192.168.1.5:8080:80) has no such address inside the
// namespace to DNAT from, and two containers on different host addresses with one port would
// meet on the namespace's single 127.0.0.1:8080.
//
// The ports rootlesskit holds outlive berthd (the namespace holder does), so nothing is kept
// here: each change reads rootlesskit's list and compares it with the store's records (berthd
// records a container's ports before publishing them and releases them after unpublishing).
// A listener that no record explains (a run whose end a killed berthd missed) is removed.
import { conflict, forbidden, invalidParameter, notImplemented, systemError } from '../../api/types/errors.ts';
import { SerialQueue } from '../../lib/keyed-mutex.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Firewall, PortMap } from '../firewall.ts';
import { PortApiError, type PortSpec, type PortStatus, type RootlessKitApi } from './port-api.ts';

export type Publisher = Pick<Firewall, 'addNetwork' | 'removeNetwork' | 'publish' | 'unpublish'>;

type Proto = PortMap['proto'];

/** What the store records, read at each change. */
export interface PortRecords {
  of(owner: string): readonly Omit<PortMap, 'bridge'>[];
  all(): readonly Omit<PortMap, 'bridge'>[];
}

export interface ParentPortsOptions {
  api: RootlessKitApi;
  records: PortRecords;
  /** berth's firewall inside the namespace; absent with --iptables=false. */
  inner: Publisher | undefined;
  /** Runs before the first network is set up (the namespace's forwarding). */
  prepare: () => Promise<void>;
  /** rootlesskit's port driver ("builtin"; undefined: none). */
  driver: () => Promise<string | undefined>;
  logger?: Logger;
}

export class ParentPorts implements Publisher {
  readonly #o: ParentPortsOptions;
  readonly #lock = new SerialQueue();
  #prepared: Promise<void> | undefined;

  constructor(o: ParentPortsOptions) {
    this.#o = o;
  }

  async addNetwork(n: Parameters<Publisher['addNetwork']>[0]): Promise<void> {
    this.#prepared ??= this.#o.prepare().catch((err: unknown) => {
      this.#prepared = undefined;
      throw err;
    });
    await this.#prepared;
    await this.#o.inner?.addNetwork(n);
  }

  async removeNetwork(bridge: string): Promise<void> {
    await this.#o.inner?.removeNetwork(bridge);
  }

  /** The child side first (berth's rules), then rootlesskit's listeners for `maps` (none: as
   *  unpublish, as the firewall's publish). */
  async publish(owner: string, maps: PortMap[]): Promise<void> {
    if (maps.length === 0) return this.unpublish(owner);
    for (const m of maps) checkProto(m.proto);
    await this.#checkDriver();
    await this.#o.inner?.publish(owner, maps);
    await this.#lock.run(async () => {
      const held = await this.#o.api.ports();
      await this.#sweep(held);
      for (const m of maps) await this.#ensure(held, specOf(m));
    });
  }

  /** Removes the owner's listeners (its records are still in the store), then its rules. */
  async unpublish(owner: string): Promise<void> {
    await this.#lock.run(async () => {
      const mine = new Set(this.#o.records.of(owner).map(recordKey));
      for (const p of await this.#o.api.ports()) {
        if (mine.has(keyOf(p.spec))) await this.#remove(p);
      }
    });
    await this.#o.inner?.unpublish(owner);
  }

  /** Only the builtin driver connects to any address of the namespace (the container's);
   *  slirp4netns's forwards to its own tap address, and without a driver nothing listens. */
  async #checkDriver(): Promise<void> {
    const driver = await this.#o.driver();
    if (driver === 'builtin') return;
    throw notImplemented(driver
      ? `a rootless berthd publishes ports through rootlesskit's builtin port driver, and its namespace holder runs "${driver}": unset BERTHD_ROOTLESS_PORT_DRIVER and restart the holder`
      : 'a rootless berthd publishes ports through rootlesskit\'s port driver, and its namespace holder runs none (BERTHD_ROOTLESS_NET=host or BERTHD_ROOTLESS_PORT_DRIVER=none)');
  }

  /** Keeps a listener that already forwards where asked (a restarted berthd adopting its
   *  containers), replaces one that forwards elsewhere, adds a missing one. */
  async #ensure(held: PortStatus[], want: PortSpec): Promise<void> {
    const same = held.find((p) => keyOf(p.spec) === keyOf(want));
    if (same && same.spec.childIP === want.childIP && same.spec.childPort === want.childPort) return;
    if (same) {
      await this.#remove(same);
      held.splice(held.indexOf(same), 1);
    }
    try {
      held.push(await this.#o.api.addPort(want));
    } catch (err) {
      throw explain(err, want);
    }
  }

  /** Listeners no record explains: left by a run whose end berthd did not see. */
  async #sweep(held: PortStatus[]): Promise<void> {
    const recorded = new Set(this.#o.records.all().map(recordKey));
    for (const p of [...held]) {
      if (recorded.has(keyOf(p.spec))) continue;
      this.#o.logger?.info('removing a published port no container holds', { port: keyOf(p.spec) });
      await this.#remove(p);
      held.splice(held.indexOf(p), 1);
    }
  }

  async #remove(p: PortStatus): Promise<void> {
    try {
      await this.#o.api.removePort(p.id);
    } catch (err) {
      // Removed meanwhile (rootlesskit answers "unknown id"): what was wanted.
      if (err instanceof PortApiError && /unknown id/.test(err.message)) return;
      throw err;
    }
  }
}

function checkProto(proto: Proto): void {
  if (proto === 'sctp') throw notImplemented('a rootless berthd cannot publish sctp ports: rootlesskit forwards tcp and udp only');
}

export function specOf(m: Omit<PortMap, 'bridge'>): PortSpec {
  checkProto(m.proto);
  return { proto: m.proto as 'tcp' | 'udp', parentIP: m.hostIp || '0.0.0.0', parentPort: m.hostPort, childIP: m.containerIp, childPort: m.containerPort };
}

/** One host listener: rootlesskit refuses a second one of the same proto, address and port. */
const keyOf = (s: PortSpec): string => `${s.parentIP || '0.0.0.0'}:${s.parentPort}/${s.proto}`;
const recordKey = (m: Omit<PortMap, 'bridge'>): string => `${m.hostIp || '0.0.0.0'}:${m.hostPort}/${m.proto}`;

/** rootlesskit's refusal in the words berthd uses for the same thing on a rootful host. */
export function explain(err: unknown, s: PortSpec): Error {
  if (!(err instanceof PortApiError)) return err as Error;
  const at = `${s.parentIP}:${s.parentPort}`;
  if (err.status === 0) return systemError(`cannot publish ${at}/${s.proto}: ${err.message}`);
  if (/permission denied|privileged port/.test(err.message)) return privileged(s.parentPort, err.message);
  // "conflict with ID n": rootlesskit holds the port already (for no record of ours: a race).
  if (/address already in use|conflict with ID/.test(err.message)) return conflict(`Bind for ${at} failed: port is already in use`);
  if (/cannot assign requested address/.test(err.message)) return invalidParameter(`listen ${s.proto} ${at}: bind: cannot assign requested address`);
  return systemError(`cannot publish ${at}/${s.proto} through rootlesskit: ${err.message}`);
}

/** The host lets an ordinary user listen only from net.ipv4.ip_unprivileged_port_start up
 *  (rootlesskit's parent runs as the user, in the host's namespace). Its text carries the
 *  host's value ("(currently 1024)"); berthd, inside its own namespace, cannot read it. */
function privileged(port: number, text: string): Error {
  const start = /currently (\d+)/.exec(text)?.[1];
  const limit = start ? `ports below ${start} (net.ipv4.ip_unprivileged_port_start)` : 'ports below its net.ipv4.ip_unprivileged_port_start';
  return forbidden(
    `cannot publish port ${port}: a rootless berthd listens on the host as an ordinary user, and the host keeps ` +
    `${limit} for root. As root, run 'sysctl -w net.ipv4.ip_unprivileged_port_start=${port}' (and put ` +
    `net.ipv4.ip_unprivileged_port_start=${port} in /etc/sysctl.conf to keep it after a reboot), or publish a port${start ? ` >= ${start}` : ' above it'}`,
  );
}
