// Exits: each run's end, as conmon reports it, recorded in the store (status, exit code, OOM),
// then cleaned up after (unmount, the log's last rotation, runc's state, conmon's files, the
// attachments' tearDown), announced (`die`), and handed to --rm or the restart policy.
//
// Invariants:
// - An exit is recorded under the container's lock, so its status change is serialized with
//   start, stop, pause, removal and the restart manager; it is recorded once per run.
// - No deadlock with a lock holder that waits for the exit (restart and shutdown hold the lock
//   through a whole stop; a forced removal kills and waits; a start or removal must not run
//   into a clean-up): such a holder never waits for the recording it would block. It waits for
//   the process's end (`ended`, conmon's report, which needs no lock) and records the exit
//   itself, inline (`awaitHeld`, `recordEndedHeld`). The recorder's own path queues for the lock
//   when the end is reported, and finds the run recorded already: the recording of a run is a
//   single promise, made by whoever comes first, so the exit is never recorded twice and a
//   later run is never mistaken for it (each run is its own RunWatch, not a lookup by id).
// - A start still under way (it holds the lock) is over before its run's exit is recorded: a
//   process that exits before `runc start` returns is recorded "exited", not overwritten with
//   "running". A start that failed cleaned up and recorded its error itself: its run's end only
//   clears conmon's files.
// - State changes are committed to the store before they are announced.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitStatus } from '../../runtime/monitor/exits.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { autoRemoves, failed, type LifecycleParts } from './lifecycle-parts.ts';
import { MonitorWatchdog } from './monitor-watchdog.ts';

/** One run of a container, watched from its start (or its adoption) to its recorded exit. */
export interface RunWatch {
  /** Whether the start succeeded (false: the start cleaned up, nothing to record). */
  readonly started: Promise<boolean>;
  /** conmon's report of the process's end: its output is complete then. */
  readonly ended: Promise<ExitStatus>;
  hasEnded: boolean;
  /** The recording, once begun (always under the lock). */
  recording?: Promise<ExitStatus>;
  /** The exit, once recorded and cleaned up after. */
  readonly recorded: PromiseWithResolvers<ExitStatus>;
}

export class Exits {
  readonly #p: LifecycleParts;
  /** The run in progress of each container, until its exit is recorded. */
  readonly #runs = new Map<string, RunWatch>();

  /** Runs whose conmon dies unreported get their exit (monitor-watchdog.ts). */
  readonly #watchdog: MonitorWatchdog;

  constructor(parts: LifecycleParts) {
    this.#p = parts;
    this.#watchdog = new MonitorWatchdog({ conmon: parts.deps.conmon, conmonPid: (id) => parts.deps.svc.deps.table.get(id)?.conmonPid, logger: parts.deps.logger });
  }

  /** Daemon shutdown: the watchdog stops looking (the runs go on, for the next daemon). */
  close(): void {
    this.#watchdog.close();
  }

  /** The run in progress (a new watch of it if there is none yet). */
  watch(id: string, started: Promise<boolean> = Promise.resolve(true)): RunWatch {
    const existing = this.#runs.get(id);
    if (existing) return existing;
    const run: RunWatch = { started, ended: this.#p.deps.conmon.waitExit(id), hasEnded: false, recorded: Promise.withResolvers() };
    this.#runs.set(id, run);
    this.#watchdog.watch(id);
    run.recorded.promise.catch(() => undefined); // its failure is logged below; waiters still see it
    run.ended.then(
      () => {
        run.hasEnded = true;
        // The one place a recording's failure is logged, whoever made it (warn: the row or the
        // host may be left half cleaned up).
        void this.#p.mutex.run(id, () => this.recordHeld(id, run)).catch(logFailure(this.#p.deps.logger, 'recording an exit', { fields: { container: id }, level: 'warn' }));
      },
      (err: unknown) => {
        this.#forget(id, run);
        run.recorded.reject(err);
      },
    );
    this.#p.tracker.started(id, { exit: run.recorded.promise, ended: run.ended });
    return run;
  }

  current(id: string): RunWatch | undefined {
    return this.#runs.get(id);
  }

  exitOf(id: string): Promise<ExitStatus> | undefined {
    return this.#runs.get(id)?.recorded.promise;
  }

  endOf(id: string): Promise<ExitStatus> | undefined {
    return this.#runs.get(id)?.ended;
  }

  /** Whether the run's process has ended and its exit is not recorded yet. */
  ending(id: string): boolean {
    return this.#runs.get(id)?.hasEnded === true;
  }

  /** Held: records `run`'s exit once it has ended; every later call gets the same recording. */
  recordHeld(id: string, run: RunWatch): Promise<ExitStatus> {
    if (!run.recording) {
      run.recording = this.#record(id, run);
      run.recording.then(run.recorded.resolve, run.recorded.reject);
    }
    return run.recording;
  }

  /** Held: waits for the process's end (no lock needed) and records the exit inline. */
  async awaitHeld(id: string, run: RunWatch): Promise<ExitStatus> {
    await run.ended;
    return this.recordHeld(id, run);
  }

  /** Held: a run whose process has ended is recorded now, so its clean-up cannot run into what
   * the caller does next (a start, a removal). True if there was one. */
  async recordEndedHeld(id: string): Promise<boolean> {
    const run = this.#runs.get(id);
    if (!run?.hasEnded) return false;
    await this.recordHeld(id, run).catch(() => undefined); // logged by the recorder's own path (watch)
    return true;
  }

  async #record(id: string, run: RunWatch): Promise<ExitStatus> {
    try {
      const exit = await run.ended;
      if (await run.started) await this.onExitHeld(id, exit);
      else await this.#p.deps.conmon.cleanup(id).catch(failed(this.#p, 'conmon clean-up after a failed start', id));
      return exit;
    } finally {
      this.#forget(id, run);
    }
  }

  #forget(id: string, run: RunWatch): void {
    if (this.#runs.get(id) !== run) return;
    this.#runs.delete(id);
    this.#watchdog.forget(id);
  }

  /** Held: records an exit and cleans up after the run (restore calls it for a run whose
   * monitor went away with the last daemon). */
  async onExitHeld(id: string, exit: ExitStatus): Promise<void> {
    const { svc, runtime, conmon, logs, attachments } = this.#p.deps;
    const c = svc.deps.table.get(id);
    this.#p.freezes.unfreeze(id);
    if (!c) return;
    // conmon leaves an `oom` file in its working directory (the bundle) after an OOM kill.
    const oomKilled = existsSync(join(this.#p.runtime.bundle(id), 'oom'));
    svc.deps.table.update(id, { status: 'exited', exitCode: exit.exitCode, finishedAt: exit.finishedAt, pid: 0, conmonPid: 0, oomKilled });
    if (oomKilled) svc.emit(c, 'oom');
    // Independent clean-ups, at once. The unmount goes first, so the host helper works on it
    // while the synchronous ones run here. A copy or export still using the rootfs unmounts it
    // when it ends (the container is no longer active then), unless the container removes
    // itself: its layer goes now.
    const autoRemove = autoRemoves(c);
    const unmount = autoRemove || !this.#p.deps.rootfsInUse?.(id);
    await Promise.all([
      unmount ? svc.deps.images.deps.layers.unmount(c.rwCacheId).catch(logFailure(this.#p.deps.logger, 'unmount at exit', { fields: { container: id }, level: 'warn' })) : undefined,
      logs.finish(id).catch(failed(this.#p, 'the log\'s last rotation at exit', id)),
      runtime.delete(id, true).catch(failed(this.#p, 'runc delete at exit', id)),
      conmon.cleanup(id).catch(failed(this.#p, 'conmon clean-up at exit', id)),
      attachments.tearDown(c),
    ]);
    svc.emit(c, 'die', { exitCode: String(exit.exitCode) });
    attachments.runEnded(c); // network disconnect, after the die (as dockerd)
    // As docker: a container that removes itself takes its anonymous volumes along.
    if (autoRemove) {
      await this.#p.removal.removeHeld(svc.resolve(id), { removeVolumes: true });
      this.#p.autoRemoved.remember(id, exit.exitCode);
    }
    else this.#p.restarts.afterExit(svc.resolve(id), exit);
  }
}
