// Removal: DELETE /containers/{id} (with ?force and ?v), prune, --rm at exit, and removals the
// last daemon left half done.
//
// Invariants:
// - Under the container's lock (`removeContainer` takes it; `removeHeld` is for its holders:
//   exit recording, a failed start, restore), so nothing (a restart policy, a health action) can
//   start the container between the forced stop and the removal.
// - A run whose process has ended is recorded first (inline), so its clean-up cannot run into
//   the removal; a container that removed itself (--rm) meanwhile is no error.
// - Order: the prepared start ended, the attachments torn down, monitor and bundle files, the
//   row and layer (svc.remove), then the attachments' `removed` (anonymous volumes with
//   `removeVolumes`), and only then are `wait condition=removed` waiters told.
import { rm } from 'node:fs/promises';
import type { ContainerRow } from '../../store/containers.ts';
import { failed, type LifecycleParts } from './lifecycle-parts.ts';

export interface RemoveOptions {
  force?: boolean;
  /** docker rm -v, and --rm: the container's anonymous volumes go too. */
  removeVolumes?: boolean;
}

export class Removal {
  readonly #p: LifecycleParts;

  constructor(parts: LifecycleParts) {
    this.#p = parts;
  }

  removeContainer(c: ContainerRow, opts: RemoveOptions = {}): Promise<void> {
    const { svc } = this.#p.deps;
    // Asked while its exit waited to be recorded: gone by then (--rm) is a removal done.
    const ending = this.#p.exits.ending(c.id);
    return this.#p.mutex.run(c.id, async () => {
      const recorded = await this.#p.exits.recordEndedHeld(c.id);
      const now = ending || recorded ? svc.deps.table.get(c.id) : svc.resolve(c.id);
      if (!now) return; // it removed itself (--rm) as its exit was recorded
      if (opts.force && now.status !== 'created' && now.status !== 'exited' && now.status !== 'dead') await this.#p.stops.stopForRemovalHeld(now);
      // A container that removes itself (--rm) is gone once its exit is recorded.
      const left = svc.deps.table.get(c.id);
      if (left) await this.removeHeld(left, { removeVolumes: opts.removeVolumes === true });
    });
  }

  /** Held: the removal of a container that is not running. */
  async removeHeld(c: ContainerRow, opts: { removeVolumes: boolean }): Promise<void> {
    const { svc, conmon, logs, attachments } = this.#p.deps;
    svc.assertRemovable(c);
    await this.#p.prepared.discard(c.id);
    await attachments.tearDown(c);
    // What a monitor left (a start whose `runc create` failed leaves conmon's socket link).
    await conmon.cleanup(c.id).catch(failed(this.#p, 'conmon clean-up at removal', c.id));
    await rm(this.#p.runtime.bundle(c.id), { recursive: true, force: true }); // in the thread pool: not on the run path
    logs.removeDir(c);
    await svc.remove(c);
    await attachments.removed(c, opts);
    this.#p.tracker.removed(c.id);
  }
}
