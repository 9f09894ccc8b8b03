// Trees deleted behind the caller: a removal renames its files out of sight at once (nothing
// may look usable half deleted) and leaves the deleting, which can take long for big trees, to
// run on; done() is for those that must see the disk settle (tests, shutdown).
import { rm } from 'node:fs/promises';

export class DeletedLater {
  readonly #pending = new Set<Promise<void>>();
  readonly #onError: ((path: string, err: Error) => void) | undefined;

  constructor(onError?: (path: string, err: Error) => void) {
    this.#onError = onError;
  }

  add(path: string): void {
    const removal = rm(path, { recursive: true, force: true }).catch((err: Error) => this.#onError?.(path, err));
    this.#pending.add(removal);
    void removal.then(() => this.#pending.delete(removal));
  }

  /** Resolves once every tree added so far is deleted. */
  async done(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
