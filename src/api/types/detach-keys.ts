// Detach keys (default ctrl-p,ctrl-q), shared by the CLI (which watches a TTY's input for them)
// and the daemon (which watches an attached client's stdin): the notation as moby/term reads
// it, and the detector that passes input through, holding back a partial sequence until it is
// known not to be one.
import { Transform, type TransformCallback } from 'node:stream';

const CTRL = ['@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '[', '\\', ']', '^', '_'];

export const DEFAULT_DETACH_KEYS = Buffer.from([16, 17]);

/** term.ToBytes: "ctrl-p,ctrl-q" → [16, 17]; single characters and DEL too. Case and spaces
 * around a key do not matter, except with `exact`: dockerd's moby/term takes only the exact
 * spelling (`ctrl-p`, `DEL`), so the daemon refuses what dockerd refuses. */
export function detachKeyBytes(keys: string, opts: { exact?: boolean } = {}): Buffer {
  const codes: number[] = [];
  for (const raw of keys.split(',')) {
    const key = opts.exact ? raw : raw.trim();
    if (Buffer.byteLength(key) === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const name = opts.exact ? key : key.toLowerCase();
    const ctrl = CTRL.findIndex((c) => `ctrl-${c}` === name);
    if (ctrl !== -1) codes.push(ctrl);
    else if (name === (opts.exact ? 'DEL' : 'del')) codes.push(127);
    else throw new Error(`Unknown character: '${raw}'`);
  }
  return Buffer.from(codes);
}

/**
 * Passes input through until the whole sequence arrives, then emits 'escape' and ends
 * (term.NewEscapeProxy). `flushHeld`: at the end of the input, a sequence begun but not finished
 * is passed on as ordinary input rather than dropped.
 */
export class EscapeDetector extends Transform {
  readonly #keys: Buffer;
  readonly #flushHeld: boolean;
  #matched = 0;
  #escaped = false;

  constructor(keys: Buffer, opts: { flushHeld?: boolean } = {}) {
    super();
    this.#keys = keys;
    this.#flushHeld = opts.flushHeld === true;
  }

  get escaped(): boolean {
    return this.#escaped;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.#escaped || this.#keys.length === 0) return done(null, this.#escaped ? undefined : chunk);
    // The common case, bulk input with no key in it, passes through without a byte loop.
    if (this.#matched === 0 && !chunk.includes(this.#keys[0]!)) return done(null, chunk);
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.#keys[this.#matched]) {
        this.#matched++;
        if (this.#matched === this.#keys.length) {
          this.#escaped = true;
          if (out.length) this.push(Buffer.from(out));
          this.emit('escape');
          this.push(null);
          return done();
        }
        continue;
      }
      // Not the sequence after all: what was held back is ordinary input.
      out.push(...this.#keys.subarray(0, this.#matched));
      this.#matched = 0;
      if (byte === this.#keys[0]) this.#matched = 1;
      else out.push(byte);
    }
    done(null, out.length ? Buffer.from(out) : undefined);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.#flushHeld && !this.#escaped && this.#matched > 0 ? this.#keys.subarray(0, this.#matched) : undefined);
  }
}
