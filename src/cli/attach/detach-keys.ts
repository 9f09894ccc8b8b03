// The detach key sequence (default ctrl-p,ctrl-q) as moby/term reads and detects it: keys typed
// into a TTY attach pass through until the whole sequence has been seen, then input stops.
import { Transform, type TransformCallback } from 'node:stream';

const CTRL = ['@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '[', '\\', ']', '^', '_'];

export const DEFAULT_DETACH_KEYS = Buffer.from([16, 17]);

/** term.ToBytes: "ctrl-p,ctrl-q" → [16, 17]; single characters and DEL too. */
export function detachKeyBytes(keys: string): Buffer {
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    if (Buffer.byteLength(key) === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const ctrl = CTRL.findIndex((c) => `ctrl-${c}` === key);
    if (ctrl !== -1) codes.push(ctrl);
    else if (key === 'DEL') codes.push(127);
    else throw new Error(`Unknown character: '${key}'`);
  }
  return Buffer.from(codes);
}

/**
 * Passes input through, holding back a partial escape sequence until it is known not to be one;
 * when the whole sequence arrives it emits 'escape' and ends (term.NewEscapeProxy).
 */
export class EscapeDetector extends Transform {
  readonly #keys: Buffer;
  #matched = 0;
  #escaped = false;

  constructor(keys: Buffer) {
    super();
    this.#keys = keys;
  }

  get escaped(): boolean {
    return this.#escaped;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.#escaped || this.#keys.length === 0) return done(null, this.#escaped ? undefined : chunk);
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
}
