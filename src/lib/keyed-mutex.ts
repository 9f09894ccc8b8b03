// One queue per key: operations on the same container run one after another (a start cannot
// interleave with a stop), while different containers never wait for each other.
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined); // the caller gets next's error; the queue needs only its end
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}

/** One queue for a whole object (a long-lived tool process, a records file): each operation
 * starts when the one before has ended, whatever its outcome; its caller gets its own result. */
export class SerialQueue {
  readonly #mutex = new KeyedMutex();

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run('', fn);
  }
}
