// Stopping: kill, docker's stop (the stop signal, a grace period, SIGKILL), the whole stop of a
// lock holder (restart, shutdown), and the kill of a forced removal.
//
// Invariants:
// - As in dockerd, a user's stop holds the container's lock only while signalling, not while
//   it waits: a start meanwhile finds the container running (304), a pause pauses it, and a
//   kill or a forced removal ends the wait; nothing queues behind a stop that may never end.
// - A holder of the lock that waits for the exit (restart, shutdown, a forced removal) records
//   it inline (`stopHeld`, `stopForRemovalHeld`; see lifecycle-exits.ts): the recorder's own path
//   queues for that lock.
// - kill sends its signal without the lock (so it can end any wait); only cancelling a pending
//   restart, a status change, takes the lock.
// - A user's kill or stop marks the container manually stopped (its restart policy leaves it
//   stopped); the daemon's own stop at shutdown does not.
import type { ContainerRow } from '../../store/containers.ts';
import { conflict, notModified } from '../../api/types/errors.ts';
import { signalNumber } from './signals.ts';
import { alreadyEnded } from '../../lib/log-failure.ts';
import { failed, type LifecycleParts } from './lifecycle-parts.ts';
import type { RunWatch } from './lifecycle-exits.ts';

export interface StopOptions {
  signal?: string;
  timeout?: number;
}

interface PendingStop {
  run: RunWatch;
  /** Seconds of grace; negative: no limit. */
  timeout: number;
}

export class Stops {
  readonly #p: LifecycleParts;

  constructor(parts: LifecycleParts) {
    this.#p = parts;
  }

  async kill(idOrName: string, signal = 'KILL'): Promise<void> {
    const n = signalNumber(signal);
    const { svc } = this.#p.deps;
    await this.#p.starts.settled(svc.resolve(idOrName).id);
    let c = svc.resolve(idOrName);
    // A container waiting to be restarted has no process: killing it only cancels the restart.
    if (c.status === 'restarting') {
      if (await this.#p.mutex.run(c.id, async () => this.#cancelRestartHeld(c.id))) return;
      c = svc.resolve(idOrName);
    }
    await this.#signal(c, n, idOrName);
    // As dockerd: a SIGKILL returns once the container has exited (its exit recorded), so a
    // client's next request (an inspect, a removal without force) sees it stopped — docker-py's
    // kill() then reload() read "running" before. Bounded as dockerd's (10 s).
    if (n === 9) await this.#exitRecorded(c.id);
  }

  async #exitRecorded(id: string): Promise<void> {
    const exit = this.#p.exits.exitOf(id);
    if (exit && !(await endsWithin(exit, KILL_WAIT_S))) throw new Error(`container ${id} was sent SIGKILL but did not exit within ${KILL_WAIT_S} seconds`);
  }

  /** Held: a pending restart cancelled as the user's stop; false if none was pending. */
  #cancelRestartHeld(id: string): boolean {
    const { table } = this.#p.deps.svc.deps;
    if (table.get(id)?.status !== 'restarting' || !this.#p.restarts.cancel(id)) return false;
    table.update(id, { manuallyStopped: true });
    return true;
  }

  async #signal(c: ContainerRow, n: number, name: string = c.id): Promise<void> {
    const { svc, runtime } = this.#p.deps;
    if (c.status !== 'running' && c.status !== 'paused') throw conflict(`cannot kill container: ${name}: container ${c.id} is not running`);
    if (!this.#p.shuttingDown) svc.deps.table.update(c.id, { manuallyStopped: true });
    await runtime.kill(c.id, n);
    // A frozen process gets its signal only once thawed: a pause's at once, a copy's at its end
    // unless the signal is KILL (nothing can race a copy any more then).
    if (c.status === 'paused') await this.#p.freezes.thawPaused(c.id);
    else if (n === 9 && this.#p.freezes.frozenForAccess(c.id)) await this.#p.freezes.thawNow(c.id);
    svc.emit(c, 'kill', { signal: String(n) });
  }

  /** Docker's stop: the stop signal, `timeout` seconds (negative: no limit), then SIGKILL. */
  async stop(idOrName: string, opts: StopOptions = {}): Promise<void> {
    if (opts.signal !== undefined) signalNumber(opts.signal); // a bad one is refused before anything is sent
    const c = this.#p.deps.svc.resolve(idOrName);
    const pending = await this.#p.mutex.run(c.id, () => this.#signalStopHeld(c.id, opts));
    if (pending) await this.#awaitStop(c, pending, false);
  }

  /** Held: a whole stop, for callers that hold the lock throughout (restart, shutdown). */
  async stopHeld(id: string, opts: StopOptions): Promise<void> {
    const pending = await this.#signalStopHeld(id, opts);
    if (pending) await this.#awaitStop(this.#p.deps.svc.resolve(id), pending, true);
  }

  /** Held, the first half of a stop: the stop signal sent, or nothing left to wait for (a
   * pending restart cancelled). */
  async #signalStopHeld(id: string, opts: StopOptions): Promise<PendingStop | undefined> {
    const { svc } = this.#p.deps;
    const c = svc.resolve(id);
    if (this.#cancelRestartHeld(c.id)) {
      svc.emit(svc.resolve(c.id), 'stop');
      return undefined;
    }
    if (c.status !== 'running' && c.status !== 'paused') throw notModified();
    const cfg = c.config as { StopSignal?: string; StopTimeout?: number };
    const run = this.#p.exits.watch(c.id);
    const signal = opts.signal ?? cfg.StopSignal ?? 'TERM';
    // Ended meanwhile: no failure. (A bad stored StopSignal is logged; SIGKILL follows the grace.)
    await Promise.resolve().then(() => this.#signal(c, signalNumber(signal))).catch(failed(this.#p, 'the stop signal', c.id, alreadyEnded));
    return { run, timeout: opts.timeout ?? cfg.StopTimeout ?? 10 };
  }

  /** The second half: the grace period, SIGKILL after it, the exit. The container may be gone by
   * then (a forced removal ended the wait): the event names it as it was. */
  async #awaitStop(c: ContainerRow, { run, timeout }: PendingStop, held: boolean): Promise<void> {
    if (!(await endsWithin(run.ended, timeout))) {
      const sigkill = () => (held ? this.#signal(this.#p.deps.svc.resolve(c.id), 9) : this.kill(c.id, 'KILL'));
      await Promise.resolve().then(sigkill).catch(failed(this.#p, 'SIGKILL after the stop timeout', c.id, alreadyEnded));
    }
    await (held ? this.#p.exits.awaitHeld(c.id, run) : run.recorded.promise);
    this.#p.deps.svc.emit(this.#p.deps.svc.deps.table.get(c.id) ?? c, 'stop');
  }

  /** Held: the kill of a forced removal, and its exit recorded. */
  async stopForRemovalHeld(c: ContainerRow): Promise<void> {
    if (this.#p.restarts.cancel(c.id)) return;
    this.#p.deps.svc.deps.table.update(c.id, { manuallyStopped: true });
    const run = this.#p.exits.watch(c.id);
    // Announced as dockerd's `rm -f` does: a kill (9) before the die.
    await this.#p.deps.runtime.kill(c.id, 9).then(() => this.#p.deps.svc.emit(c, 'kill', { signal: '9' }), failed(this.#p, 'SIGKILL for a forced removal', c.id, alreadyEnded));
    if (this.#p.freezes.frozenForAccess(c.id)) await this.#p.freezes.thawNow(c.id);
    await this.#p.exits.awaitHeld(c.id, run);
  }
}

/** How long a kill waits for the container's exit, as dockerd's. */
const KILL_WAIT_S = 10;

/** setTimeout's longest delay; a longer wait is a chain of them. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether `end` comes within `seconds` (negative: it always does, however long it takes). The
 * timer goes as soon as the end comes, so a stop with a huge `t` leaves nothing behind. */
async function endsWithin(end: Promise<unknown>, seconds: number): Promise<boolean> {
  const ended = end.then(() => true, () => true);
  if (seconds < 0) return ended;
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
    return await Promise.race([ended, expired]);
  } finally {
    clearTimeout(timer);
  }
}
