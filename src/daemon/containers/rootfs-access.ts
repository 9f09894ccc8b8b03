// Reaching a container's filesystem from the host (diff, export, cp, commit) whether it runs
// or not. A running container's overlay is already mounted at <layer>/../merged (lifecycle
// mounts it before runc create); a stopped one is mounted for the operation and unmounted
// after, as dockerd's RWLayer.Mount/Unmount do. Users are counted per container and mounting
// is serialised, so concurrent copies share one mount and the last one out unmounts — unless
// the container started meanwhile and now needs it.
//
// A running container is frozen while its files are worked on (see Lifecycle.freezeForAccess).
//
// The image side of a diff is mounted too (overlay2 with several image layers): a read-only
// overlay of the image's layers under <exec-root>/rootfs-views/ (LayerStore.withTree).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRow } from '../../store/containers.ts';
import type { LayerStore } from '../../image/layers/index.ts';
import { mountsUnder, unmount } from '../../image/layers/mount.ts';
import type { Logger } from '../../lib/logger.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import { alreadyEnded, logFailure } from '../../lib/log-failure.ts';

export interface RootfsAccessDeps {
  layers: LayerStore;
  /** Whether the container currently needs its rootfs mounted (running, paused, restarting). */
  isActive: (id: string) => boolean;
  /** The image's top layer cache id: the tree a diff compares against. */
  imageTop: (c: ContainerRow) => string | undefined;
  viewsDir: string;
  logger: Logger;
  /** Freeze a running container while its files are worked on (true if it froze it), and thaw. */
  freeze?: (id: string) => Promise<boolean>;
  thaw?: (id: string) => Promise<void>;
}

export class RootfsAccess {
  readonly #deps: RootfsAccessDeps;
  readonly #users = new Map<string, number>();
  /** Mounting and counting users of one container, one at a time. */
  readonly #queue = new KeyedMutex();
  readonly #frozen = new Set<string>();

  constructor(deps: RootfsAccessDeps) {
    this.#deps = deps;
  }

  /** The host path of the container's rootfs, mounted until the matching release(). */
  acquire(c: ContainerRow): Promise<string> {
    return this.#queue.run(c.id, async () => {
      const path = await this.#deps.layers.mount(c.rwCacheId);
      const users = (this.#users.get(c.id) ?? 0) + 1;
      this.#users.set(c.id, users);
      // The first user of a running container freezes it; the last one out thaws it.
      if (users === 1 && (await this.#deps.freeze?.(c.id).catch(logFailure(this.#deps.logger, 'freeze for a copy', { fields: { container: c.id }, expected: alreadyEnded, value: false })))) this.#frozen.add(c.id);
      return path;
    });
  }

  release(c: ContainerRow): Promise<void> {
    return this.#queue.run(c.id, async () => {
      const left = (this.#users.get(c.id) ?? 1) - 1;
      if (left > 0) return void this.#users.set(c.id, left);
      this.#users.delete(c.id);
      if (this.#frozen.delete(c.id)) await this.#deps.thaw?.(c.id).catch(logFailure(this.#deps.logger, 'thaw after a copy', { fields: { container: c.id }, expected: alreadyEnded }));
      if (this.#deps.isActive(c.id)) return;
      await this.#deps.layers.unmount(c.rwCacheId).catch((err: Error) => this.#deps.logger.warn('cannot unmount container rootfs', { id: c.id, error: err.message }));
    });
  }

  /** Whether a copy, export or diff is using the container's rootfs now. */
  inUse(id: string): boolean {
    return this.#users.has(id);
  }

  async with<T>(c: ContainerRow, fn: (rootfs: string) => Promise<T>): Promise<T> {
    const rootfs = await this.acquire(c);
    try {
      return await fn(rootfs);
    } finally {
      await this.release(c);
    }
  }

  /** fn with the image's rootfs as the container started from it (undefined: no layers). */
  withImageRoot<T>(c: ContainerRow, fn: (root: string | undefined) => Promise<T>): Promise<T> {
    const top = this.#deps.imageTop(c);
    if (top === undefined) return fn(undefined);
    return this.#deps.layers.withTree(top, join(this.#deps.viewsDir, `${c.id.slice(0, 12)}-`), fn);
  }

  /** Views a crash left mounted (at startup, before any use). */
  async cleanup(): Promise<void> {
    // Sync, one directory: node:fs/promises would load at its first use into every start (issue 12).
    mkdirSync(this.#deps.viewsDir, { recursive: true, mode: 0o700 });
    for (const point of mountsUnder(this.#deps.viewsDir)) await unmount(point).catch(logFailure(this.#deps.logger, 'unmount of a view left by a crash', { fields: { path: point }, level: 'warn' }));
  }
}
