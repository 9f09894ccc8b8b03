// Running containers, as the API and the daemon ask for it: start, stop, restart, kill, pause,
// wait, removal, copies' freezes, restore and shutdown. This file is the public face and the
// wiring; each concern is a file of its own (see lifecycle-parts.ts for the list and the lock),
// and the runtime side is runtime-containers.ts.
//
// Invariants:
// - Every status change of a container is made under its lock (lifecycle-parts.ts), exit
//   recording and the restart manager's included; state changes are committed to the store
//   before they are announced.
// - The attachments (attachments.ts) are called in one place per event: setUp in
//   RuntimeContainers.create; tearDown at exit recording, when a created or prepared container is
//   ended, after a failed start, before removal, and at restore for every stopped container;
//   removed after the row is deleted; adopt at restore.
import { AttachedOutputs } from './attached-outputs.ts';
import type { ContainerRow } from '../../store/containers.ts';
import { isKind } from '../../api/types/errors.ts';
import { hasProcess } from '../../store/containers.ts';
import type { ExitStatus } from '../../runtime/monitor/exits.ts';
import { signalNumber } from './signals.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import { RestartManager } from './restart-manager.ts';
import { RunTracker, type Run } from './run-tracker.ts';
import { PreparedStarts } from './prepared-starts.ts';
import { RuntimeContainers } from './runtime-containers.ts';
import { failed, type LifecycleDeps, type LifecycleParts } from './lifecycle-parts.ts';
import { Starts } from './lifecycle-starts.ts';
import { Exits } from './lifecycle-exits.ts';
import { Stops, type StopOptions } from './lifecycle-stops.ts';
import { Freezes } from './lifecycle-freezes.ts';
import { Removal, type RemoveOptions } from './lifecycle-removal.ts';
import { AutoRemovedExits, exitFor, type WaitResult } from './lifecycle-wait.ts';
import { restore } from './lifecycle-restore.ts';

export type { LifecycleDeps } from './lifecycle-parts.ts';
export type { RemoveOptions } from './lifecycle-removal.ts';

export class Lifecycle {
  readonly deps: LifecycleDeps;
  readonly restarts: RestartManager;
  /** The attach streams following each run (a wait lets them finish first). */
  readonly outputs = new AttachedOutputs();
  readonly #p: LifecycleParts;

  constructor(deps: LifecycleDeps) {
    this.deps = deps;
    const mutex = new KeyedMutex();
    const runtime = new RuntimeContainers({ ...deps, rootfsInUse: (id) => this.deps.rootfsInUse?.(id) ?? false });
    const p = { deps, mutex, runtime, shuttingDown: false } as { -readonly [K in keyof LifecycleParts]: LifecycleParts[K] };
    p.tracker = new RunTracker((id) => deps.svc.deps.table.get(id) !== undefined);
    p.prepared = new PreparedStarts({
      max: 8,
      ttlMs: deps.preparedStartTtlMs ?? 10_000,
      lock: (id, fn) => mutex.run(id, fn),
      row: (id) => deps.svc.deps.table.get(id),
      create: (c) => runtime.createOrUndo(c),
      end: (c, made) => runtime.end(c, made, true),
      ...(deps.logger && { logger: deps.logger }),
    });
    p.restarts = this.restarts = new RestartManager(deps.svc, {
      lock: (id, fn) => mutex.run(id, fn),
      startHeld: (id) => p.starts.startHeld(id, true),
    });
    p.starts = new Starts(p);
    p.exits = new Exits(p);
    p.stops = new Stops(p);
    p.freezes = new Freezes(p);
    p.removal = new Removal(p);
    p.autoRemoved = new AutoRemovedExits();
    this.#p = p;
  }

  bundle(id: string): string {
    return this.#p.runtime.bundle(id);
  }

  /** fn under the container's lock, which starts, stops and removals take (an update's limits
   * must not land between a start's spec and its `running`). */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.#p.mutex.run(id, fn);
  }

  start(idOrName: string): Promise<void> {
    const c = this.deps.svc.resolve(idOrName);
    return this.#p.mutex.run(c.id, () => this.#p.starts.startHeld(c.id, false));
  }

  /** After POST /containers/create: the start that usually follows is prepared (prepared-starts.ts). */
  prepareStart(id: string): void {
    if (!this.#p.shuttingDown) this.#p.prepared.prepare(id);
  }

  /** Ends the container's prepared start, if any: what it was made with has changed (a network
   * connect, a volume between create and start). The start then makes a new one. */
  invalidatePrepared(id: string): Promise<void> {
    return this.#p.mutex.run(id, () => this.#p.prepared.discard(id));
  }

  /** invalidatePrepared for a caller that holds the container's lock (a network connect,
   * disconnect or removal: they run under it so as not to interleave with a start). */
  discardPreparedHeld(id: string): Promise<void> {
    return this.#p.prepared.discard(id);
  }

  /** Whether a start, or the preparation of one, needs the container's rootfs mounted (a copy
   * ending meanwhile must leave it). */
  holdsRootfs(id: string): boolean {
    return this.#p.prepared.has(id) || this.#p.starts.isStarting(id);
  }

  /** How many runs this daemon has seen start; pass it to nextRun to wait for the next one. */
  runGeneration(id: string): number {
    return this.#p.tracker.generation(id);
  }

  /** The first run after generation `after` (its exit, and its process's end); undefined if a
   * start fails first. */
  nextRun(id: string, after: number, signal?: AbortSignal): Promise<Run | undefined> {
    return this.#p.tracker.nextRun(id, after, signal);
  }

  /** The exit of the run in progress, once recorded and cleaned up after (undefined when the
   * container is not running). */
  exitOf(id: string): Promise<ExitStatus> | undefined {
    return this.#p.exits.exitOf(id);
  }

  /** The end of the run in progress's process, as soon as conmon reports it: its output is
   * complete then (readers of it need not wait for the clean-up, nor a removal). */
  endOf(id: string): Promise<ExitStatus> | undefined {
    return this.#p.exits.endOf(id);
  }

  /** Waits for a start under way, so a request prompted by the new process's first output sees
   * it as running. */
  settledStart(id: string): Promise<void> {
    return this.#p.starts.settled(id);
  }

  kill(idOrName: string, signal = 'KILL'): Promise<void> {
    return this.#p.stops.kill(idOrName, signal);
  }

  stop(idOrName: string, opts: StopOptions = {}): Promise<void> {
    return this.#p.stops.stop(idOrName, opts);
  }

  /** docker restart: stop if running, then start, as one operation under the lock. */
  restart(idOrName: string, opts: StopOptions = {}): Promise<void> {
    if (opts.signal !== undefined) signalNumber(opts.signal);
    const { svc } = this.deps;
    const c = svc.resolve(idOrName);
    return this.#p.mutex.run(c.id, async () => {
      if (hasProcess(svc.resolve(c.id).status)) await this.#p.stops.stopHeld(c.id, opts);
      this.restarts.cancel(c.id);
      await this.#p.starts.startHeld(c.id, false);
      svc.emit(svc.resolve(c.id), 'restart');
    });
  }

  pause(idOrName: string): Promise<void> {
    return this.#p.freezes.pause(idOrName);
  }

  unpause(idOrName: string): Promise<void> {
    return this.#p.freezes.unpause(idOrName);
  }

  /** Freezes a running container while the daemon works on its files (lifecycle-freezes.ts). */
  freezeForAccess(id: string): Promise<boolean> {
    return this.#p.freezes.freezeForAccess(id);
  }

  /** Resolves at once, or when the freeze of a copy in progress ends. */
  thawed(id: string): Promise<void> {
    return this.#p.freezes.thawed(id);
  }

  thawAfterAccess(id: string): Promise<void> {
    return this.#p.freezes.thawAfterAccess(id);
  }

  /** DELETE /containers/{id} (force, v) and prune. */
  removeContainer(c: ContainerRow, opts: RemoveOptions = {}): Promise<void> {
    return this.#p.removal.removeContainer(c, opts);
  }

  /** POST /containers/{id}/wait. Throws at once for an unknown container, so the API can
   * answer 404 before its 200. */
  wait(idOrName: string, condition = 'not-running'): Promise<WaitResult> {
    let c: ContainerRow;
    try {
      c = this.deps.svc.resolve(idOrName);
    } catch (err) {
      const exitCode = isKind(err, 'not-found') ? this.#p.autoRemoved.exitOf(idOrName) : undefined;
      if (exitCode === undefined) throw err;
      return this.#afterOutputs(idOrName, Promise.resolve({ StatusCode: exitCode, Error: null }));
    }
    return this.#afterOutputs(c.id, exitFor(this.#p, c, condition));
  }

  /** A wait's answer goes after the run's output to the clients attached to it (attached-outputs.ts). */
  async #afterOutputs(id: string, result: Promise<WaitResult>): Promise<WaitResult> {
    const r = await result;
    await this.outputs.drained(id);
    return r;
  }

  /** After a berthd restart (lifecycle-restore.ts). */
  restore(): Promise<void> {
    return restore(this.#p);
  }

  /** Daemon shutdown. Without live-restore the containers are stopped cleanly first, each with
   * its stop signal and timeout; with it they run on and the next daemon adopts them. */
  async shutdown(stopContainers: boolean): Promise<void> {
    this.#p.shuttingDown = true;
    this.restarts.close();
    await this.#p.prepared.close();
    try {
      if (!stopContainers) return;
      const active = this.deps.svc.deps.table.all().filter((c) => hasProcess(c.status));
      await Promise.all(active.map((c) => this.#p.mutex.run(c.id, () => this.#p.stops.stopHeld(c.id, {})).catch(failed(this.#p, 'stop at daemon shutdown', c.id))));
    } finally {
      // The monitors' watchdog reads the store, which closes after this.
      this.#p.exits.close();
    }
  }
}
