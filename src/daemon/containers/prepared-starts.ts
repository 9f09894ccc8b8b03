// Containers made ready to start right after their create. `docker run` is a create, then an
// attach, a wait and a start; between the create's answer and the start the docker CLI spends
// 5–10 ms of its own (it sets up its signal forwarding). The longest step of a start, conmon
// plus `runc create` (40–50 ms here), needs nothing the start brings, so it begins as soon as
// the create has answered: the start then finds the container's process waiting on runc's
// exec FIFO and only lets it go.
//
// What makes this safe to do ahead:
// - The start compares what it would create (the spec text and conmon's options) with what was
//   prepared, and makes a new one when anything differs: an `update` of the resources, a
//   rename, a /etc/passwd copied in, a changed default. The prepared process never ran any of
//   the container's code, so throwing it away is invisible.
// - Nothing is visible through the API: the container stays "created", with no pid and no
//   events, and exec, top, stats and kill refuse it as before.
// - The cost is bounded: at most `max` containers wait at once, each for `ttlMs`, after which
//   its process and monitor are ended and its rootfs unmounted. A `docker create` whose start
//   never comes holds a runc init and a conmon (≈ 3 MiB) for that long.
// - It keeps the attachments' SpecAdditions it was made with (its key covers them): a change of
//   what they would give (a network connect, a volume) ends it through
//   Lifecycle.invalidatePrepared, and ending it tears them down (RuntimeContainers.end).
// - A removal ends it first; the daemon's shutdown ends them all; a daemon killed meanwhile
//   leaves them to the next one's restore, which ends them too.
import type { ContainerRow } from '../../store/containers.ts';
import type { SpecAdditions } from './attachments.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';

/** A container created in the runtime and waiting to be started. */
export interface CreatedContainer {
  /** What it was made from (spec text and conmon's options); a start wanting anything else makes a new one. */
  key: string;
  pid: number;
  conmonPid: number;
  /** What the attachments' setUp gave it (in its spec already). */
  additions: SpecAdditions;
}

export interface PreparedStartsDeps {
  max: number;
  ttlMs: number;
  /** Runs fn under the container's lock (the one start, stop and remove take). */
  lock: <T>(id: string, fn: () => Promise<T>) => Promise<T>;
  row: (id: string) => ContainerRow | undefined;
  /** conmon + `runc create`; rejects after cleaning up what it made. */
  create: (c: ContainerRow) => Promise<CreatedContainer>;
  /** Ends a created container: its process, its monitor and their files, and the mount. */
  end: (c: ContainerRow, made: CreatedContainer) => Promise<void>;
  /** Failures nobody waits for (a preparation, an expiry) are traced there (debug). */
  logger?: Logger;
}

export class PreparedStarts {
  readonly #deps: PreparedStartsDeps;
  /** Each with the row it was made from (to end it by, should the row be gone). */
  readonly #waiting = new Map<string, { made: CreatedContainer; row: ContainerRow; expiry: NodeJS.Timeout }>();
  /** Being prepared: each holds its container's lock meanwhile. */
  readonly #inProgress = new Set<string>();
  #closed = false;

  constructor(deps: PreparedStartsDeps) {
    this.#deps = deps;
  }

  #failed(what: string, id: string): (err: unknown) => undefined {
    return logFailure(this.#deps.logger, what, { fields: { container: id } });
  }

  /** After a create: prepares its start, unless `max` are prepared or being prepared already. */
  prepare(id: string): void {
    if (this.#closed || this.#inProgress.has(id) || this.#waiting.size + this.#inProgress.size >= this.#deps.max) return;
    this.#inProgress.add(id);
    // At once, not after the create's answer: the mount request is on its way before that
    // answer is written, which only the synchronous part (≈ 0.5 ms) delays.
    void this.#deps
      .lock(id, async () => {
        const c = this.#deps.row(id);
        if (this.#closed || !c || c.status !== 'created' || this.#waiting.has(id)) return;
        const made = await this.#deps.create(c);
        const expiry = setTimeout(() => void this.#deps.lock(id, () => this.discard(id)).catch(this.#failed('ending an expired prepared start', id)), this.#deps.ttlMs);
        expiry.unref();
        this.#waiting.set(id, { made, row: c, expiry });
      })
      .catch(this.#failed('preparing a start', id)) // the start will make it again, and report what fails then
      .finally(() => this.#inProgress.delete(id));
  }

  /** For the start (under the lock): the prepared container, now the caller's to use or end. */
  take(id: string): CreatedContainer | undefined {
    return this.#take(id)?.made;
  }

  #take(id: string): { made: CreatedContainer; row: ContainerRow } | undefined {
    const entry = this.#waiting.get(id);
    if (!entry) return undefined;
    this.#waiting.delete(id);
    clearTimeout(entry.expiry);
    return entry;
  }

  has(id: string): boolean {
    return this.#waiting.has(id);
  }

  /** Ends the prepared container, if there is one (under the lock: expiry, removal). */
  async discard(id: string): Promise<void> {
    const entry = this.#take(id);
    if (entry) await this.#deps.end(this.#deps.row(id) ?? entry.row, entry.made);
  }

  /** Daemon shutdown: no more preparing, and every prepared container is ended. */
  async close(): Promise<void> {
    this.#closed = true;
    // One being prepared holds the lock: its discard runs once it is done.
    const ids = new Set([...this.#waiting.keys(), ...this.#inProgress]);
    await Promise.all([...ids].map((id) => this.#deps.lock(id, () => this.discard(id)).catch(this.#failed('ending a prepared start at shutdown', id))));
  }
}
