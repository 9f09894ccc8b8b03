// At most `size` holders at a time, the others wait in arrival order. The stages of a build run
// concurrently; their RUN containers are limited to a few at once (the machine's parallelism,
// at least 2) so a Dockerfile of many independent stages does not start them all together.
export class Slots {
  readonly #size: number;
  #used = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  async with<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#used >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#used++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter (#used stays), or is given back.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#used--;
    }
  }
}
