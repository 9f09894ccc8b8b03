// The attach streams following each container's run, so that a wait answers only once they
// have sent the run's last output, or after a bound (as dockerd, which waits up to 2 s for a
// container's streams to be copied before it marks the container stopped). A client that
// attaches, starts and waits (docker run, dockerode's and docker-py's run) reads the exit code
// on one connection and the output on another: without this the wait's answer could overtake
// the output's last bytes, and dockerode's run resolved with no output at all (seen in CI).
//
// Invariants:
// - A stream is counted from when it follows a run until it has handed its last batch to the
//   connection (or the client went away): a wait never waits for a stream of a later run.
// - A wait is delayed by at most `boundMs`: a client that reads its attach stream slowly, or not
//   at all, cannot hold another client's wait.
export class AttachedOutputs {
  readonly #live = new Map<string, Set<Promise<void>>>();

  /** Counts one attach stream following `id`'s run until `done` settles. */
  add(id: string, done: Promise<void>): void {
    let set = this.#live.get(id);
    if (!set) this.#live.set(id, (set = new Set()));
    set.add(done);
    void done.finally(() => {
      set.delete(done);
      if (set.size === 0 && this.#live.get(id) === set) this.#live.delete(id);
    });
  }

  /** Settles once every stream now following `id`'s run is done, or after `boundMs`. */
  async drained(id: string, boundMs = 2000): Promise<void> {
    const set = this.#live.get(id);
    if (!set || set.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, boundMs)));
    try {
      await Promise.race([Promise.allSettled([...set]), bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}
