// Which run of each container this daemon has seen, for the waiters and attachers that arrive
// before a start (docker run: attach and wait, then start): they wait for the run after the
// generation they saw, so a run that was already over by the time they look is not missed; a
// failed start or a removal wakes them too.
import type { ExitStatus } from '../../runtime/monitor/exits.ts';

/** One run of a container: its exit once recorded, and its process's end as conmon reports it. */
export interface Run {
  exit: Promise<ExitStatus>;
  ended: Promise<ExitStatus>;
}

export class RunTracker {
  /** The latest run of each container, kept after it ends. */
  readonly #runs = new Map<string, Run & { gen: number }>();
  /** Failed starts per container, so a waiter for a start sees one fail. */
  readonly #failedStarts = new Map<string, number>();
  readonly #removed = new Map<string, PromiseWithResolvers<void>>();
  readonly #watchers = new Map<string, Set<() => void>>();
  readonly #exists: (id: string) => boolean;

  constructor(exists: (id: string) => boolean) {
    this.#exists = exists;
  }

  /** How many runs this daemon has seen start; pass it to nextRun to wait for the next one. */
  generation(id: string): number {
    return this.#runs.get(id)?.gen ?? 0;
  }

  failedStarts(id: string): number {
    return this.#failedStarts.get(id) ?? 0;
  }

  started(id: string, run: Run): void {
    this.#runs.set(id, { gen: this.generation(id) + 1, ...run });
    this.#notify(id);
  }

  startFailed(id: string): void {
    this.#failedStarts.set(id, this.failedStarts(id) + 1);
    this.#notify(id);
  }

  /** Resolves once the container is removed (wait condition=removed). */
  removal(id: string): Promise<void> {
    let r = this.#removed.get(id);
    if (!r) {
      r = Promise.withResolvers<void>();
      this.#removed.set(id, r);
    }
    return r.promise;
  }

  removed(id: string): void {
    this.#removed.get(id)?.resolve();
    this.#removed.delete(id);
    this.#runs.delete(id);
    this.#failedStarts.delete(id);
    this.#notify(id);
  }

  /** The exit of the first run after generation `after`; undefined if a start fails first. */
  async nextRun(id: string, after: number, signal?: AbortSignal): Promise<Run | undefined> {
    const failed = this.failedStarts(id);
    for (;;) {
      const run = this.#runs.get(id);
      if (run && run.gen > after) return { exit: run.exit, ended: run.ended };
      if (signal?.aborted || !this.#exists(id) || this.failedStarts(id) > failed) return undefined;
      // Woken at once by a run starting, a start failing or a removal; the timeout only
      // bounds how long an abort or a vanished container takes to notice.
      await this.#changed(id, 250);
    }
  }

  #changed(id: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.#watchers.get(id) ?? new Set();
      this.#watchers.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (!set.size) this.#watchers.delete(id);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  #notify(id: string): void {
    for (const fn of [...(this.#watchers.get(id) ?? [])]) fn();
  }
}
