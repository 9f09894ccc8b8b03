// Starting: the runtime container for a start (the one prepared after the create, when it was
// made from the same spec, options and attachments and still waits; else a new one), let go,
// and recorded running; a failed start cleaned up after.
//
// Invariants:
// - A start runs under the container's lock (`startHeld`), from its checks to `running`; a run
//   whose process has ended but whose exit is not recorded yet is recorded first (inline, see
//   lifecycle-exits.ts), so that run's clean-up cannot hit this one.
// - The exit of the new run is watched before `runc start`, and recorded only once the start has
//   settled (`started`): a process that exits at once is recorded "exited", not "running".
// - Until it is recorded running, the start is in `#starting`: a kill or exec prompted by the
//   process's first output waits for it (`settled`) instead of being refused.
// - A failed start leaves nothing of its run: runc's state, the monitor's exit file (waited for,
//   bounded), the mount and the attachments (one tearDown) go; the error is recorded (with
//   dockerd's exit code and status for a command not found or not runnable, start-errors.ts);
//   --rm removes the container, as dockerd does.
// - A prepared start keeps the SpecAdditions it was made with; its key covers them, and
//   `invalidatePrepared` ends it when they change (a network connect, a volume).
import type { ContainerRow } from '../../store/containers.ts';
import { conflict, notModified } from '../../api/types/errors.ts';
import { isLiveProcess } from '../../lib/proc.ts';
import type { CreatedContainer } from './prepared-starts.ts';
import { autoRemoves, failed, sleep, type LifecycleParts } from './lifecycle-parts.ts';
import { startFailure, type StartFailure } from './start-errors.ts';

export class Starts {
  readonly #p: LifecycleParts;
  /** Starts under way, each resolving true once the container is recorded running. */
  readonly #starting = new Map<string, Promise<boolean>>();

  constructor(parts: LifecycleParts) {
    this.#p = parts;
  }

  /** Held. `byPolicy`: a restart by the restart policy, which leaves the user's stop mark alone. */
  async startHeld(id: string, byPolicy: boolean): Promise<void> {
    const { svc, runtime, logs } = this.#p.deps;
    await this.#p.exits.recordEndedHeld(id);
    const c = svc.resolve(id);
    if (c.status === 'running' || c.status === 'restarting') throw notModified();
    if (c.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
    if (!byPolicy && c.manuallyStopped) svc.deps.table.update(c.id, { manuallyStopped: false });
    const started = Promise.withResolvers<boolean>();
    this.#starting.set(c.id, started.promise);
    void started.promise.then(() => this.#starting.delete(c.id));
    try {
      const { pid, conmonPid } = await this.#createForStart(c);
      const run = this.#p.exits.watch(c.id, started.promise);
      void logs.adopt(c, conmonPid, run.recorded.promise);
      await runtime.start(c.id, pid);
      svc.deps.table.update(c.id, { status: 'running', pid, conmonPid, startedAt: new Date().toISOString(), exitCode: 0, error: '' });
      const row = svc.resolve(c.id);
      this.#p.deps.attachments.runStarted(row); // network connect, before the start (as dockerd)
      svc.emit(row, 'start');
      started.resolve(true);
    } catch (err) {
      started.resolve(false);
      const failure = startFailure(err as Error, c.config);
      await this.#failedStart(c, failure);
      throw failure.error;
    }
  }

  async #failedStart(c: ContainerRow, { error: err, exitCode }: StartFailure): Promise<void> {
    const { svc, runtime, attachments } = this.#p.deps;
    const run = this.#p.exits.current(c.id); // a monitor was started: its end is cleaned up after
    await runtime.delete(c.id, true).catch(failed(this.#p, 'runc delete after a failed start', c.id));
    // Its exit file must be in and cleared before another start's monitor runs (bounded: a
    // monitor that never reports is not waited for forever; its recording then comes later).
    if (run) await Promise.race([this.#p.exits.awaitHeld(c.id, run).catch(failed(this.#p, 'the monitor of a failed start', c.id)), sleep(5000)]);
    await svc.deps.images.deps.layers.unmount(c.rwCacheId).catch(failed(this.#p, 'unmount after a failed start', c.id));
    await attachments.tearDown(c);
    svc.deps.table.update(c.id, { error: err.message, exitCode });
    this.#p.tracker.startFailed(c.id);
    // As dockerd: a container that was to remove itself is removed when it cannot start.
    if (autoRemoves(c)) await this.#p.removal.removeHeld(svc.resolve(c.id), { removeVolumes: true }).catch(failed(this.#p, 'auto-remove after a failed start', c.id));
  }

  /** The container created in the runtime for this start: the prepared one if it was made from
   * the same spec, options and additions and still waits, else a new one. */
  async #createForStart(c: ContainerRow): Promise<CreatedContainer> {
    const { runtime, prepared } = this.#p;
    const made = prepared.take(c.id);
    if (!made) return runtime.createOverStray(c);
    const plan = runtime.plan(c, this.#p.deps.svc.deps.images.deps.layers.rootfsPath(c.rwCacheId), made.additions);
    if (plan.key === made.key && isLiveProcess(made.pid)) return made;
    await runtime.end(c, made, false);
    return runtime.createOverStray(c);
  }

  /** Waits for a start under way, so a request prompted by the new process's first output sees
   * it as running. */
  async settled(id: string): Promise<void> {
    await this.#starting.get(id);
  }

  isStarting(id: string): boolean {
    return this.#starting.has(id);
  }
}
