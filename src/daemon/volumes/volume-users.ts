// Which running containers use each option volume (driver options: a tmpfs, a bind of a device):
// it is mounted at its first user's start and unmounted after its last user's run. In memory,
// rebuilt at daemon start from the containers that may still run.
import type { VolumeRow, VolumesTable } from '../../store/volumes.ts';
import { hasProcess, type ContainersTable } from '../../store/containers.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { mountsOnUse, type LocalDriver } from '../../volume/local-driver.ts';

export interface VolumeUsersDeps {
  table: VolumesTable;
  containers: ContainersTable;
  driver: LocalDriver;
  logger: Logger;
  /** The volume, or a 404 in dockerd's words. */
  volume: (name: string) => VolumeRow;
}

export class VolumeUsers {
  readonly #deps: VolumeUsersDeps;
  readonly #users = new Map<string, Set<string>>();

  constructor(deps: VolumeUsersDeps) {
    this.#deps = deps;
  }

  /** A container's run starts using the volume: an option volume is mounted at its first user. */
  async acquire(name: string, containerId: string): Promise<void> {
    const v = this.#deps.volume(name);
    this.#add(name, containerId);
    if (mountsOnUse(v.options)) await this.#deps.driver.mount(name, v.options, v.approvedDevice);
  }

  /** The container's run is over: an option volume no other running container uses is unmounted. */
  async release(name: string, containerId: string): Promise<void> {
    const users = this.#users.get(name);
    users?.delete(containerId);
    if (users && users.size > 0) return;
    this.#users.delete(name);
    const v = this.#deps.table.get(name);
    if (v && mountsOnUse(v.options)) await this.#deps.driver.unmount(name);
  }

  /** The volume is gone. */
  forget(name: string): void {
    this.#users.delete(name);
  }

  /** At daemon start: containers that may still run keep their option volumes mounted; the
   * other option volumes a killed daemon left mounted are unmounted. */
  async reconcile(): Promise<void> {
    for (const c of this.#deps.containers.all()) {
      if (!hasProcess(c.status)) continue;
      for (const m of c.mounts ?? []) if (m.Type === 'volume' && m.Name) this.#add(m.Name, c.id);
    }
    for (const v of this.#deps.table.all()) {
      if (!mountsOnUse(v.options) || this.#users.has(v.name) || !this.#deps.driver.isMounted(v.name)) continue;
      await this.#deps.driver.unmount(v.name).catch(logFailure(this.#deps.logger, 'unmount of an unused volume', { fields: { volume: v.name }, level: 'warn' }));
    }
  }

  #add(name: string, containerId: string): void {
    let users = this.#users.get(name);
    if (!users) this.#users.set(name, (users = new Set()));
    users.add(containerId);
  }
}
