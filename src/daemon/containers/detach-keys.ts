// Detach keys (docker attach --detach-keys, default ctrl-p,ctrl-q): the daemon watches the
// attached client's stdin for the sequence; on it the client is let go and the container runs on
// with its stdin left open. Bytes that only began the sequence are passed on once it breaks off.
import { Transform, type TransformCallback } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" → [0x10, 0x11]; a single character stands for itself. */
export function parseDetachKeys(spec: string): number[] {
  const bad = () => invalidParameter(`Invalid detach keys (${spec}) provided`);
  if (spec === '') throw bad();
  return spec.split(',').map((key) => {
    const k = key.trim();
    if (k.length === 1) return k.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(k);
    if (!m) throw bad();
    const c = m[1]!;
    if (/[a-z]/i.test(c)) return c.toLowerCase().charCodeAt(0) - 0x60;
    const special = '@[\\]^_'.indexOf(c); // ctrl-@ is NUL, ctrl-[ ESC, ... ctrl-_ 0x1f
    if (special < 0) throw bad();
    return special === 0 ? 0 : 0x1b + special - 1;
  });
}

/** Passes stdin through until the detach sequence; then emits 'detach' and drops the rest. */
export class DetachScanner extends Transform {
  readonly #keys: number[];
  /** Bytes that match the start of the sequence so far, held back until it completes or breaks. */
  #held: number[] = [];
  #detached = false;

  constructor(keys: number[]) {
    super();
    this.#keys = keys;
  }

  get detached(): boolean {
    return this.#detached;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.#detached) return cb();
    // The common case, bulk input with no key in it, passes through without a byte loop.
    if (this.#held.length === 0 && !chunk.includes(this.#keys[0]!)) return cb(null, chunk);
    const out: number[] = [];
    for (const b of chunk) {
      if (b !== this.#keys[this.#held.length] && this.#held.length > 0) {
        out.push(...this.#held); // the sequence broke off: what was held is ordinary input
        this.#held = [];
      }
      if (b !== this.#keys[this.#held.length]) {
        out.push(b);
        continue;
      }
      this.#held.push(b);
      if (this.#held.length === this.#keys.length) {
        this.#detached = true;
        if (out.length) this.push(Buffer.from(out));
        this.emit('detach');
        return cb();
      }
    }
    cb(null, out.length ? Buffer.from(out) : undefined);
  }

  override _flush(cb: TransformCallback): void {
    cb(null, !this.#detached && this.#held.length ? Buffer.from(this.#held) : undefined);
  }
}
