// Running containers: start (the runtime container from runtime-containers.ts, made then or
// prepared after the create, then let go), stop, kill, wait, pause, and the exit path (record
// the exit, clean runtime state, unmount, auto-remove), each under the container's lock. State
// changes are committed to the store before they are announced.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContainerRow, hasProcess, isActive } from '../../store/containers.ts';
import type { ContainerService } from './container-service.ts';
import type { Conmon } from '../../runtime/monitor/conmon.ts';
import type { ContainerRuntimes } from './container-runtimes.ts';
import type { ExitStatus } from '../../runtime/monitor/exits.ts';
import type { ContainerLogs } from './container-logs.ts';
import { rootfsPath, unmountRootfs } from './rootfs.ts';
import { conflict, notModified } from '../../api/types/errors.ts';
import { signalNumber } from './signals.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import { RestartManager } from './restart-manager.ts';
import { RunTracker, type Run } from './run-tracker.ts';
import { PreparedStarts, type CreatedContainer } from './prepared-starts.ts';
import { RuntimeContainers } from './runtime-containers.ts';
import { isLiveProcess } from '../../lib/proc.ts';
import type { Logger } from '../../lib/logger.ts';
import { alreadyEnded, logFailure } from '../../lib/log-failure.ts';

export interface LifecycleDeps {
  svc: ContainerService;
  conmon: Conmon;
  /** The OCI runtime of each container's run (container-runtimes.ts). */
  runtime: ContainerRuntimes;
  execRoot: string;
  initPath?: string;
  /** Log drivers and rotation (container-logs.ts). */
  logs: ContainerLogs;
  /** How long a container prepared for its start waits for it (prepared-starts.ts). */
  preparedStartTtlMs?: number;
  /** Whether a copy or export is using the container's rootfs (set once RootfsAccess exists):
   * ending a prepared start leaves the unmount to that user's release. */
  rootfsInUse?: (id: string) => boolean;
  /** The daemon log: clean-ups that fail while the caller goes on are traced there (debug). */
  logger?: Logger;
}

export class Lifecycle {
  readonly deps: LifecycleDeps;
  /** Resolves with the exit of the current run of each running container. */
  readonly #exits = new Map<string, Promise<ExitStatus>>();
  /** conmon's report of each running container's process end (before the exit is recorded). */
  readonly #ends = new Map<string, Promise<ExitStatus>>();
  /** Runs whose process has ended and whose exit is being recorded: the next start waits. */
  readonly #exiting = new Map<string, Promise<void>>();
  readonly #tracker: RunTracker;

  /** Start, stop, restart, pause and unpause of one container run one at a time. */
  readonly #mutex = new KeyedMutex();
  readonly restarts: RestartManager;
  /** Running containers frozen while the daemon works on their files (freezeForAccess), each
   * with what resolves when the freeze ends. */
  readonly #accessFrozen = new Map<string, PromiseWithResolvers<void>>();
  /** Starts under way, each resolving true once the container is recorded running. The
   * process runs (and may print) a moment before that: a kill or exec prompted by its first
   * output must find it running, not be refused. */
  readonly #starting = new Map<string, Promise<boolean>>();

  readonly #prepared: PreparedStarts;
  /** Mount, bundle, conmon + runc create, and the end of a created container. */
  readonly #runtime: RuntimeContainers;

  /** A .catch for a step whose failure the caller goes on from: a debug line naming it. */
  #failed(what: string, id: string, expected?: (err: unknown) => boolean): (err: unknown) => undefined {
    return logFailure(this.deps.logger, what, { fields: { container: id }, ...(expected && { expected }) });
  }

  constructor(deps: LifecycleDeps) {
    this.deps = deps;
    this.#runtime = new RuntimeContainers({ ...deps, rootfsInUse: (id) => this.deps.rootfsInUse?.(id) ?? false });
    this.#prepared = new PreparedStarts({
      max: 8,
      ttlMs: deps.preparedStartTtlMs ?? 10_000,
      lock: (id, fn) => this.#mutex.run(id, fn),
      row: (id) => deps.svc.deps.table.get(id),
      create: (c) => this.#runtime.createOrUndo(c),
      end: (c, made) => this.#runtime.end(c, made, true),
      ...(deps.logger && { logger: deps.logger }),
    });
    this.#tracker = new RunTracker((id) => deps.svc.deps.table.get(id) !== undefined);
    this.restarts = new RestartManager(deps.svc, {
      // Checked under the lock: a stop queued ahead of this restart has cancelled it.
      restart: (id) => this.#mutex.run(id, async () => {
        const c = deps.svc.deps.table.get(id);
        if (!c || c.status !== 'restarting') return;
        deps.svc.deps.table.update(id, { status: 'exited', restartCount: c.restartCount + 1 });
        await this.#start(id, true);
      }),
      start: (id) => this.#mutex.run(id, () => this.#start(id, true)),
    });
  }

  bundle(id: string): string {
    return this.#runtime.bundle(id);
  }

  /** fn under the container's lock, which starts, stops and removals take (an update's limits
   * must not land between a start's spec and its `running`). */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run(id, fn);
  }

  start(idOrName: string): Promise<void> {
    const c = this.deps.svc.resolve(idOrName);
    return this.#mutex.run(c.id, () => this.#start(c.id, false));
  }

  /** `byPolicy`: a restart by the restart policy, which leaves the user's stop mark alone. */
  async #start(id: string, byPolicy: boolean): Promise<void> {
    const { svc, runtime } = this.deps;
    // The last run's process has ended but its exit is still being recorded and cleaned up after
    // (attach and logs -f end at the process's end): that clean-up must not hit this run.
    await this.#exiting.get(id);
    const c = svc.resolve(id);
    if (c.status === 'running' || c.status === 'restarting') throw notModified();
    if (c.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
    if (!byPolicy && c.manuallyStopped) svc.deps.table.update(c.id, { manuallyStopped: false });
    // The exit path waits for this: a process that exits before `runc start` returns must not
    // have its exit recorded before the start is (it would be overwritten with "running").
    const started = Promise.withResolvers<boolean>();
    this.#starting.set(c.id, started.promise);
    void started.promise.then(() => this.#starting.delete(c.id));
    try {
      const { pid, conmonPid } = await this.#createForStart(c);
      const exit = this.#watch(c.id, started.promise);
      void this.deps.logs.adopt(c, conmonPid, exit);
      await runtime.start(c.id, pid);
      svc.deps.table.update(c.id, { status: 'running', pid, conmonPid, startedAt: new Date().toISOString(), exitCode: 0, error: '' });
      svc.emit(svc.resolve(c.id), 'start');
      started.resolve(true);
    } catch (err) {
      started.resolve(false);
      const monitor = this.#exits.get(c.id); // a monitor was started: its end is cleaned up after
      await runtime.delete(c.id, true).catch(this.#failed('runc delete after a failed start', c.id));
      // Its exit file must be in and cleared before another start's monitor runs (bounded: a
      // monitor that never reports is not waited for forever).
      if (monitor) await Promise.race([monitor.catch(this.#failed('the monitor of a failed start', c.id)), sleep(5000)]);
      await unmountRootfs(svc.deps.images.deps.layers, c.rwCacheId).catch(this.#failed('unmount after a failed start', c.id));
      svc.deps.table.update(c.id, { error: (err as Error).message, exitCode: 128 });
      this.#tracker.startFailed(c.id);
      // As dockerd: a container that was to remove itself is removed when it cannot start.
      if ((c.hostConfig as { AutoRemove?: boolean }).AutoRemove) await this.#remove(svc.resolve(c.id)).catch(this.#failed('auto-remove after a failed start', c.id));
      throw err;
    }
  }

  /** The container created in the runtime for this start: the one prepared after its create
   * if it was made from the same spec and options and still waits, else a new one. */
  async #createForStart(c: ContainerRow): Promise<CreatedContainer> {
    const prepared = this.#prepared.take(c.id);
    if (!prepared) return this.#runtime.createOverStray(c);
    const plan = this.#runtime.plan(c, rootfsPath(this.deps.svc.deps.images.deps.layers, c.rwCacheId));
    if (plan.key === prepared.key && isLiveProcess(prepared.pid)) return prepared;
    await this.#runtime.end(c, prepared, false);
    return this.#runtime.createOverStray(c);
  }

  /** After POST /containers/create: the start that usually follows is prepared (prepared-starts.ts). */
  prepareStart(id: string): void {
    if (!this.#shuttingDown) this.#prepared.prepare(id);
  }

  /** Whether a start, or the preparation of one, needs the container's rootfs mounted (a copy
   * ending meanwhile must leave it). */
  holdsRootfs(id: string): boolean {
    return this.#prepared.has(id) || this.#starting.has(id);
  }

  /** How many runs this daemon has seen start; pass it to nextRun to wait for the next one. */
  runGeneration(id: string): number {
    return this.#tracker.generation(id);
  }

  /** The first run after generation `after` (its exit, and its process's end); undefined if a
   * start fails first. */
  nextRun(id: string, after: number, signal?: AbortSignal): Promise<Run | undefined> {
    return this.#tracker.nextRun(id, after, signal);
  }

  /** The exit of the run in progress, once recorded and cleaned up after (undefined when the
   * container is not running). */
  exitOf(id: string): Promise<ExitStatus> | undefined {
    return this.#exits.get(id);
  }

  /** The end of the run in progress's process, as soon as conmon reports it: its output is
   * complete then (readers of it need not wait for the clean-up, nor a removal). */
  endOf(id: string): Promise<ExitStatus> | undefined {
    return this.#ends.get(id);
  }

  #watch(id: string, started: Promise<boolean> = Promise.resolve(true)): Promise<ExitStatus> {
    const existing = this.#exits.get(id);
    if (existing) return existing;
    const ended = this.deps.conmon.waitExit(id);
    const p = ended.then(async (exit) => {
      // A start that failed has already cleaned up and recorded its error: no exit to record.
      if (await started) await this.#onExit(id, exit);
      else {
        this.#exits.delete(id);
        await this.deps.conmon.cleanup(id).catch(this.#failed('conmon clean-up after a failed start', id));
      }
      return exit;
    });
    this.#exits.set(id, p);
    this.#ends.set(id, ended);
    const recorded = p.then(() => undefined, () => undefined);
    void ended.then(() => this.#exiting.set(id, recorded), () => undefined);
    void recorded.then(() => {
      if (this.#ends.get(id) === ended) this.#ends.delete(id);
      if (this.#exiting.get(id) === recorded) this.#exiting.delete(id);
    });
    this.#tracker.started(id, { exit: p, ended });
    return p;
  }

  async #onExit(id: string, exit: ExitStatus): Promise<void> {
    const { svc, runtime, conmon } = this.deps;
    const c = svc.deps.table.get(id);
    this.#exits.delete(id);
    this.#unfreeze(id);
    if (!c) return;
    // conmon leaves an `oom` file in its working directory (the bundle) after an OOM kill.
    const oomKilled = existsSync(join(this.bundle(id), 'oom'));
    svc.deps.table.update(id, { status: 'exited', exitCode: exit.exitCode, finishedAt: exit.finishedAt, pid: 0, conmonPid: 0, oomKilled });
    if (oomKilled) svc.emit(c, 'oom');
    // Independent clean-ups (the host-side rootfs mount, the log's last rotation, runc's state,
    // conmon's files): at once. The unmount goes first, so the host helper works on it while
    // the synchronous ones run here.
    // A copy or export still using the rootfs unmounts it when it ends (the container is no
    // longer active then), unless the container removes itself: its layer goes now.
    const autoRemove = (c.hostConfig as { AutoRemove?: boolean }).AutoRemove === true;
    const unmount = autoRemove || !this.deps.rootfsInUse?.(id);
    await Promise.all([
      // A busy rootfs stays mounted until the next start shares it or the removal detaches it.
      unmount ? unmountRootfs(svc.deps.images.deps.layers, c.rwCacheId).catch(logFailure(this.deps.logger, 'unmount at exit', { fields: { container: id }, level: 'warn' })) : undefined,
      this.deps.logs.finish(id).catch(this.#failed('the log\'s last rotation at exit', id)),
      runtime.delete(id, true).catch(this.#failed('runc delete at exit', id)),
      conmon.cleanup(id).catch(this.#failed('conmon clean-up at exit', id)),
    ]);
    svc.emit(c, 'die', { exitCode: String(exit.exitCode) });
    if (autoRemove) await this.#remove(svc.resolve(id));
    else this.restarts.afterExit(svc.resolve(id), exit);
  }

  /** Waits for a start under way, so a request prompted by the new process's first output sees
   * it as running. */
  async settledStart(id: string): Promise<void> {
    await this.#starting.get(id);
  }

  async kill(idOrName: string, signal = 'KILL'): Promise<void> {
    const n = signalNumber(signal);
    await this.settledStart(this.deps.svc.resolve(idOrName).id);
    const c = this.deps.svc.resolve(idOrName);
    // A container waiting to be restarted has no process: killing it only cancels the restart.
    if (c.status === 'restarting' && this.restarts.cancel(c.id)) return void this.deps.svc.deps.table.update(c.id, { manuallyStopped: true });
    if (c.status !== 'running' && c.status !== 'paused') throw conflict(`cannot kill container: ${idOrName}: container ${c.id} is not running`);
    // A user's kill is a stop as far as restart policies go (dockerd marks it the same way);
    // the daemon's own stop at shutdown is not.
    if (!this.#shuttingDown) this.deps.svc.deps.table.update(c.id, { manuallyStopped: true });
    await this.deps.runtime.kill(c.id, n);
    // A frozen process gets its signal only once thawed: a pause's at once, a copy's at its end
    // unless the signal is KILL (nothing can race a copy any more then).
    if (c.status === 'paused') await this.#thaw(c.id);
    else if (n === 9 && this.#accessFrozen.has(c.id)) await this.#thawNow(c.id);
    this.deps.svc.emit(c, 'kill', { signal: String(n) });
  }

  async #thaw(id: string): Promise<void> {
    await this.deps.runtime.resume(id).catch(this.#failed('runc resume after a kill of a paused container', id, alreadyEnded));
    const now = this.deps.svc.deps.table.get(id);
    if (now?.status === 'paused') this.deps.svc.deps.table.update(id, { status: 'running' });
  }

  #shuttingDown = false;

  /** Daemon shutdown. Without live-restore the containers are stopped cleanly first, each with
   * its stop signal and timeout; with it they run on and the next daemon adopts them. */
  async shutdown(stopContainers: boolean): Promise<void> {
    this.#shuttingDown = true;
    this.restarts.close();
    await this.#prepared.close();
    if (!stopContainers) return;
    const active = this.deps.svc.deps.table.all().filter((c) => hasProcess(c.status));
    await Promise.all(active.map((c) => this.#mutex.run(c.id, () => this.#stop(c.id, {})).catch(this.#failed('stop at daemon shutdown', c.id))));
  }

  /** Freeze every process of the container (cgroup freezer, through runc). */
  pause(idOrName: string): Promise<void> {
    const c = this.deps.svc.resolve(idOrName);
    return this.#mutex.run(c.id, async () => {
      const now = this.deps.svc.resolve(c.id);
      if (now.status === 'paused') throw conflict(`Container ${c.id} is already paused`);
      if (now.status !== 'running') throw conflict(`Container ${c.id} is not running`);
      // Frozen for a copy already: the user's pause takes the freeze over, the copy's end keeps it.
      if (!this.#unfreeze(c.id)) await this.deps.runtime.pause(c.id);
      this.deps.svc.deps.table.update(c.id, { status: 'paused' });
      this.deps.svc.emit(now, 'pause');
    });
  }

  unpause(idOrName: string): Promise<void> {
    const c = this.deps.svc.resolve(idOrName);
    return this.#mutex.run(c.id, async () => {
      const now = this.deps.svc.resolve(c.id);
      if (now.status !== 'paused') throw conflict(`Container ${c.id} is not paused`);
      await this.deps.runtime.resume(c.id);
      this.deps.svc.deps.table.update(c.id, { status: 'running' });
      this.deps.svc.emit(now, 'unpause');
    });
  }

  /** Docker's stop: the stop signal, `timeout` seconds (negative: no limit), then SIGKILL. As
   * in dockerd, only the signalling holds the container's lock, not the wait: a start meanwhile
   * finds the container running (304) and a pause pauses it, at once, and a kill or a forced
   * removal ends the wait — nothing queues behind a stop that may never end. */
  async stop(idOrName: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    if (opts.signal !== undefined) signalNumber(opts.signal); // a bad one is refused before anything is sent
    const c = this.deps.svc.resolve(idOrName);
    const pending = await this.#mutex.run(c.id, () => this.#signalStop(c.id, opts));
    if (pending) await this.#awaitStop(c, pending);
  }

  /** docker restart: stop if running, then start, as one operation. */
  restart(idOrName: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    if (opts.signal !== undefined) signalNumber(opts.signal);
    const c = this.deps.svc.resolve(idOrName);
    return this.#mutex.run(c.id, async () => {
      const now = this.deps.svc.resolve(c.id);
      if (hasProcess(now.status)) await this.#stop(c.id, opts);
      this.restarts.cancel(c.id);
      await this.#start(c.id, false);
      this.deps.svc.emit(this.deps.svc.resolve(c.id), 'restart');
    });
  }

  /** A whole stop, for callers that hold the lock throughout (restart, shutdown). */
  async #stop(id: string, opts: { signal?: string; timeout?: number }): Promise<void> {
    const pending = await this.#signalStop(id, opts);
    if (pending) await this.#awaitStop(this.deps.svc.resolve(id), pending);
  }

  /** The first half of a stop, under the lock: the stop signal sent, or nothing left to wait for
   * (a pending restart cancelled). */
  async #signalStop(id: string, opts: { signal?: string; timeout?: number }): Promise<PendingStop | undefined> {
    const c = this.deps.svc.resolve(id);
    if (c.status === 'restarting' && this.restarts.cancel(c.id)) {
      this.deps.svc.deps.table.update(c.id, { manuallyStopped: true });
      this.deps.svc.emit(this.deps.svc.resolve(c.id), 'stop');
      return undefined;
    }
    if (c.status !== 'running' && c.status !== 'paused') throw notModified();
    const cfg = c.config as { StopSignal?: string; StopTimeout?: number };
    const exit = this.#watch(c.id);
    await this.kill(c.id, opts.signal ?? cfg.StopSignal ?? 'TERM').catch(this.#failed('the stop signal', c.id, alreadyEnded)); // ended meanwhile: no failure
    // The process may have ended just before the signal, and its restart policy scheduled a
    // restart before the kill could mark the stop as the user's: the stop cancels that restart.
    if (!this.#shuttingDown && this.deps.svc.resolve(c.id).status === 'restarting' && this.restarts.cancel(c.id)) {
      this.deps.svc.deps.table.update(c.id, { manuallyStopped: true });
    }
    return { exit, timeout: opts.timeout ?? cfg.StopTimeout ?? 10 };
  }

  /** The second half: the grace period, SIGKILL after it, the exit. The container may be gone by
   * then (a forced removal ended the wait): the event names it as it was. */
  async #awaitStop(c: ContainerRow, { exit, timeout }: PendingStop): Promise<void> {
    if (!(await exitsWithin(exit, timeout))) await this.kill(c.id, 'KILL').catch(this.#failed('SIGKILL after the stop timeout', c.id, alreadyEnded));
    await exit;
    this.deps.svc.emit(this.deps.svc.deps.table.get(c.id) ?? c, 'stop');
  }

  async stopForRemoval(c: ContainerRow): Promise<void> {
    if (this.restarts.cancel(c.id)) return;
    this.deps.svc.deps.table.update(c.id, { manuallyStopped: true });
    const exit = this.#watch(c.id);
    await this.deps.runtime.kill(c.id, 9).catch(this.#failed('SIGKILL for a forced removal', c.id, alreadyEnded));
    if (this.#accessFrozen.has(c.id)) await this.#thawNow(c.id);
    await exit;
  }

  /**
   * Freezes a running container while the daemon works on its files (docker cp, export), so its
   * processes cannot swap a path's components for symlinks between our lookup and our use
   * (CVE-2018-15664); Podman pauses for a copy too. Its state stays "running" and no event is
   * sent. Returns whether it froze it (not when it is not running, or frozen already).
   */
  freezeForAccess(id: string): Promise<boolean> {
    return this.#mutex.run(id, async () => {
      if (this.deps.svc.deps.table.get(id)?.status !== 'running' || this.#accessFrozen.has(id)) return false;
      await this.deps.runtime.pause(id);
      this.#accessFrozen.set(id, Promise.withResolvers<void>());
      return true;
    });
  }

  /** Resolves at once, or when the freeze of a copy in progress ends (exec waits for it: runc
   * will not exec in a frozen container). */
  thawed(id: string): Promise<void> {
    return this.#accessFrozen.get(id)?.promise ?? Promise.resolve();
  }

  /** Forgets a copy's freeze (the caller thaws, or takes it over); false if there was none. */
  #unfreeze(id: string): boolean {
    const frozen = this.#accessFrozen.get(id);
    if (!frozen) return false;
    this.#accessFrozen.delete(id);
    frozen.resolve();
    return true;
  }

  /** Thaws a copy's freeze, then tells those waiting for it. */
  async #thawNow(id: string): Promise<void> {
    await this.deps.runtime.resume(id).catch(this.#failed('runc resume after a copy\'s freeze', id, alreadyEnded));
    this.#unfreeze(id);
  }

  /** The end of freezeForAccess; nothing when a user's pause or a KILL took the freeze over. */
  thawAfterAccess(id: string): Promise<void> {
    return this.#mutex.run(id, async () => {
      if (this.#accessFrozen.has(id)) await this.#thawNow(id);
    });
  }

  /** DELETE /containers/{id} and prune: under the container's lock, so nothing (a restart
   * policy, a health action) can start it between the forced stop and the removal. */
  removeContainer(c: ContainerRow, force: boolean): Promise<void> {
    return this.#mutex.run(c.id, async () => {
      // An exit being recorded (the row says "exited" before its unmount, `die` and --rm are
      // done) finishes first, as for a start: its clean-up must not run into the removal.
      const exiting = this.#exiting.get(c.id);
      await exiting;
      const now = exiting ? this.deps.svc.deps.table.get(c.id) : this.deps.svc.resolve(c.id);
      if (!now) return; // it removed itself (--rm) as its exit was recorded
      if (force && now.status !== 'created' && now.status !== 'exited' && now.status !== 'dead') await this.stopForRemoval(now);
      // A container that removes itself (--rm) is gone once its exit is recorded.
      const left = this.deps.svc.deps.table.get(c.id);
      if (left) await this.#remove(left);
    });
  }

  /** Removal without the lock: for the exit path (AutoRemove) and a failed start, which hold it or must not wait. */
  async #remove(c: ContainerRow): Promise<void> {
    this.deps.svc.assertRemovable(c);
    await this.#prepared.discard(c.id);
    // What a monitor left (a start whose `runc create` failed leaves conmon's socket link).
    await this.deps.conmon.cleanup(c.id).catch(this.#failed('conmon clean-up at removal', c.id));
    await rm(this.bundle(c.id), { recursive: true, force: true }); // in the thread pool: not on the run path
    this.deps.logs.removeDir(c);
    await this.deps.svc.remove(c);
    this.#tracker.removed(c.id);
  }

  /** POST /containers/{id}/wait: not-running (default), next-exit, or removed. */
  /** Throws at once for an unknown container, so the API can answer 404 before its 200. */
  wait(idOrName: string, condition = 'not-running'): Promise<{ StatusCode: number; Error: null }> {
    return this.#waitFor(this.deps.svc.resolve(idOrName), condition);
  }

  async #waitFor(c: ContainerRow, condition: string): Promise<{ StatusCode: number; Error: null }> {
    const running = isActive(c.status);
    if (condition === 'removed') {
      const removed = this.#tracker.removal(c.id);
      // Asked before the start (docker run --rm): the exit of the run that comes next.
      const run = running ? { exit: this.#watch(c.id) } : await this.nextRun(c.id, this.runGeneration(c.id));
      const exit = run ? await run.exit : { exitCode: c.exitCode };
      await removed;
      return { StatusCode: exit.exitCode, Error: null };
    }
    if (!running && condition === 'not-running') return { StatusCode: c.exitCode, Error: null };
    if (running) return { StatusCode: (await this.#watch(c.id)).exitCode, Error: null };
    // next-exit on a container not started yet: the exit of the run that starts next.
    const run = await this.nextRun(c.id, this.runGeneration(c.id));
    const exit = run ? await run.exit : { exitCode: this.deps.svc.deps.table.get(c.id)?.exitCode ?? 0 };
    return { StatusCode: exit.exitCode, Error: null };
  }

  /** After a berthd restart: re-adopt containers whose conmon still runs, record the rest. */
  async restore(): Promise<void> {
    const { svc, conmon, runtime } = this.deps;
    // Rows that were not running when the daemon went away; the policy may start them below.
    const stopped = svc.deps.table.all().filter((c) => c.status === 'exited' || c.status === 'restarting');
    // runc state left by a start that crashed half way (its row never said running) would make
    // the next start of that container fail: remove it.
    const states = await runtime.list().catch(logFailure(this.deps.logger, 'runc list at restore (leftovers stay)', { value: [], level: 'warn' }));
    const listed = new Set(states.map((s) => s.id));
    // Prepared or started by the last daemon, whose runc create had not finished when it went.
    for (const row of svc.deps.table.all().filter((r) => r.status === 'created' && !listed.has(r.id))) {
      await this.#runtime.endLeftover(row).catch(this.#failed('ending a create left by the last daemon', row.id));
    }
    for (const state of states) {
      const row = svc.deps.table.get(state.id);
      // Prepared for a start that the last daemon never saw: its process waits on the FIFO.
      if (row?.status === 'created') await this.#runtime.end(row, { key: '', pid: 0, conmonPid: this.#runtime.conmonPidOf(row.id) }, true);
      else if (!row || (row.status !== 'running' && row.status !== 'paused')) await runtime.delete(state.id, true).catch(this.#failed('runc delete of a leftover at restore', state.id));
      // Frozen for a copy when the last daemon went away: nobody will thaw it but us.
      else if (row.status === 'running' && state.status === 'paused') await runtime.resume(state.id).catch(this.#failed('runc resume of a copy\'s freeze at restore', state.id, alreadyEnded));
    }
    // Removals the last daemon did not finish (killed between their steps): done now, so no
    // container is seen without its layer.
    for (const c of svc.deps.table.all().filter((r) => r.status === 'removing')) {
      await this.#remove(c).catch(logFailure(this.deps.logger, 'finishing a removal at restore', { fields: { container: c.id }, level: 'warn' }));
    }
    for (const c of svc.deps.table.all()) {
      if (c.status !== 'running' && c.status !== 'paused') continue;
      if (c.conmonPid && (await conmon.isAlive(c.conmonPid, c.id))) {
        void this.deps.logs.adopt(c, c.conmonPid, this.#watch(c.id));
        continue;
      }
      const exit = (await conmon.exitStatus(c.id)) ?? { exitCode: 255, finishedAt: new Date().toISOString() };
      await this.#onExit(c.id, exit);
    }
    await this.restarts.startAll(stopped);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PendingStop {
  exit: Promise<ExitStatus>;
  /** Seconds of grace; negative: no limit. */
  timeout: number;
}

/** setTimeout's longest delay; a longer wait is a chain of them. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether `exit` comes within `seconds` (negative: it always does, however long it takes). The
 * timer goes as soon as the exit comes, so a stop with a huge `t` leaves nothing behind. */
async function exitsWithin(exit: Promise<unknown>, seconds: number): Promise<boolean> {
  const exited = exit.then(() => true, () => true);
  if (seconds < 0) return exited;
  const deadline = Date.now() + seconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    const arm = (): void => {
      const left = deadline - Date.now();
      if (left <= 0) return resolve(false);
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    arm();
  });
  try {
    return await Promise.race([exited, expired]);
  } finally {
    clearTimeout(timer);
  }
}
