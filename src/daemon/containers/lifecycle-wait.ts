// POST /containers/{id}/wait: not-running (default), next-exit, or removed.
//
// Invariants:
// - Needs no lock: it only watches runs (lifecycle-exits.ts) and the run tracker.
// - Answers after the attach streams following the run have sent its last output (at most 2 s
//   later: attached-outputs.ts), as dockerd does.
// - Asked before the start (docker run: attach and wait, then start), it waits for the run that
//   starts next; a failed start ends that wait with the recorded exit code.
// - Asked by full id just after a --rm container removed itself, it answers that run's exit
//   (AutoRemovedExits) where dockerd answers 404: docker-py and dockerode start, then wait, and
//   a short command is gone before their wait arrives (dockerd loses that race too, less often).
import { type ContainerRow, isActive } from '../../store/containers.ts';
import type { LifecycleParts } from './lifecycle-parts.ts';

export interface WaitResult {
  StatusCode: number;
  Error: null;
}

/** The exit code a wait answers with (Lifecycle.wait sends it once the run's output has gone). */
export async function exitFor(p: LifecycleParts, c: ContainerRow, condition: string): Promise<WaitResult> {
  const running = isActive(c.status);
  const next = () => p.tracker.nextRun(c.id, p.tracker.generation(c.id));
  if (condition === 'removed') {
    const removed = p.tracker.removal(c.id);
    const run = running ? { exit: p.exits.watch(c.id).recorded.promise } : await next();
    const exit = run ? await run.exit : { exitCode: c.exitCode };
    await removed;
    return { StatusCode: exit.exitCode, Error: null };
  }
  if (!running && condition === 'not-running') return { StatusCode: c.exitCode, Error: null };
  if (running) return { StatusCode: (await p.exits.watch(c.id).recorded.promise).exitCode, Error: null };
  // next-exit on a container not started yet: the exit of the run that starts next.
  const run = await next();
  const exit = run ? await run.exit : { exitCode: p.deps.svc.deps.table.get(c.id)?.exitCode ?? 0 };
  return { StatusCode: exit.exitCode, Error: null };
}

/** The exits of containers that removed themselves (--rm) lately, by full id: bounded in number
 * and time, for a wait that arrives after the removal. */
export class AutoRemovedExits {
  readonly #exits = new Map<string, { exitCode: number; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(o: { ttlMs?: number; max?: number } = {}) {
    this.#ttlMs = o.ttlMs ?? 60_000;
    this.#max = o.max ?? 256;
  }

  remember(id: string, exitCode: number): void {
    this.#exits.set(id, { exitCode, at: Date.now() });
    // The oldest go first (a Map keeps insertion order).
    for (const key of this.#exits.keys()) {
      if (this.#exits.size <= this.#max) break;
      this.#exits.delete(key);
    }
  }

  exitOf(id: string): number | undefined {
    const e = this.#exits.get(id);
    if (!e) return undefined;
    if (Date.now() - e.at > this.#ttlMs) {
      this.#exits.delete(id);
      return undefined;
    }
    return e.exitCode;
  }
}
