// Freezes: the user's pause and unpause, and the daemon's own freeze of a running container
// while it works on its files (docker cp, export), so its processes cannot swap a path's
// components for symlinks between our lookup and our use (CVE-2018-15664); Podman pauses for a
// copy too.
//
// Invariants:
// - A copy's freeze is invisible: the state stays "running" and no event is sent. It is taken
//   and ended under the container's lock.
// - One freeze at a time: a user's pause takes a copy's freeze over (the copy's end then leaves
//   it), a KILL or a forced removal thaws it, and an exit forgets it; whoever ends it resolves
//   `thawed` (exec waits for it: runc will not exec in a frozen container).
// - Restore thaws a copy's freeze the last daemon left (lifecycle-restore.ts): nobody else will.
import { conflict } from '../../api/types/errors.ts';
import { alreadyEnded } from '../../lib/log-failure.ts';
import { failed, type LifecycleParts } from './lifecycle-parts.ts';

export class Freezes {
  readonly #p: LifecycleParts;
  /** Running containers frozen for a copy, each with what resolves when the freeze ends. */
  readonly #accessFrozen = new Map<string, PromiseWithResolvers<void>>();

  constructor(parts: LifecycleParts) {
    this.#p = parts;
  }

  /** Freeze every process of the container (cgroup freezer, through runc). */
  pause(idOrName: string): Promise<void> {
    const { svc, runtime } = this.#p.deps;
    const c = svc.resolve(idOrName);
    return this.#p.mutex.run(c.id, async () => {
      const now = svc.resolve(c.id);
      if (now.status === 'paused') throw conflict(`Container ${c.id} is already paused`);
      if (now.status !== 'running') throw conflict(`Container ${c.id} is not running`);
      if (!this.unfreeze(c.id)) await runtime.pause(c.id);
      svc.deps.table.update(c.id, { status: 'paused' });
      svc.emit(now, 'pause');
    });
  }

  unpause(idOrName: string): Promise<void> {
    const { svc, runtime } = this.#p.deps;
    const c = svc.resolve(idOrName);
    return this.#p.mutex.run(c.id, async () => {
      const now = svc.resolve(c.id);
      if (now.status !== 'paused') throw conflict(`Container ${c.id} is not paused`);
      await runtime.resume(c.id);
      svc.deps.table.update(c.id, { status: 'running' });
      svc.emit(now, 'unpause');
    });
  }

  /** After a signal to a paused container: resumed, so the signal lands. */
  async thawPaused(id: string): Promise<void> {
    await this.#p.deps.runtime.resume(id).catch(failed(this.#p, 'runc resume after a kill of a paused container', id, alreadyEnded));
    const now = this.#p.deps.svc.deps.table.get(id);
    if (now?.status === 'paused') this.#p.deps.svc.deps.table.update(id, { status: 'running' });
  }

  /** Freezes a running container for a copy; whether it froze it (not when it is not running,
   * or frozen already). */
  freezeForAccess(id: string): Promise<boolean> {
    return this.#p.mutex.run(id, async () => {
      if (this.#p.deps.svc.deps.table.get(id)?.status !== 'running' || this.#accessFrozen.has(id)) return false;
      await this.#p.deps.runtime.pause(id);
      this.#accessFrozen.set(id, Promise.withResolvers<void>());
      return true;
    });
  }

  frozenForAccess(id: string): boolean {
    return this.#accessFrozen.has(id);
  }

  /** Resolves at once, or when the freeze of a copy in progress ends. */
  thawed(id: string): Promise<void> {
    return this.#accessFrozen.get(id)?.promise ?? Promise.resolve();
  }

  /** Forgets a copy's freeze (the caller thaws, or takes it over); false if there was none. */
  unfreeze(id: string): boolean {
    const frozen = this.#accessFrozen.get(id);
    if (!frozen) return false;
    this.#accessFrozen.delete(id);
    frozen.resolve();
    return true;
  }

  /** Thaws a copy's freeze, then tells those waiting for it. */
  async thawNow(id: string): Promise<void> {
    await this.#p.deps.runtime.resume(id).catch(failed(this.#p, 'runc resume after a copy\'s freeze', id, alreadyEnded));
    this.unfreeze(id);
  }

  /** The end of freezeForAccess; nothing when a user's pause or a KILL took the freeze over. */
  thawAfterAccess(id: string): Promise<void> {
    return this.#p.mutex.run(id, async () => {
      if (this.#accessFrozen.has(id)) await this.thawNow(id);
    });
  }
}
