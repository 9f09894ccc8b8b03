// "Sending build context to Docker daemon  3.072kB": the docker CLI's progress over the upload
// (progress.NewProgressReader into streamformatter's raw output). On a terminal the line is
// redrawn at most every 100 ms once 512 kB more went up; elsewhere only the last update is
// written. The last update ends with "\r" and then "\r\n", as docker writes it.
import { Transform, type TransformCallback } from 'node:stream';
import { renderProgress } from '../progress/progress-bar.ts';

export const SENDING = 'Sending build context to Docker daemon';
const UPDATE_EVERY = 512 * 1024;
const MIN_INTERVAL_MS = 100;

export class UploadProgress extends Transform {
  readonly #out: { write(s: string): unknown };
  readonly #tty: boolean;
  readonly #now: () => number;
  #current = 0;
  #lastUpdate = 0;
  #lastWrite = -Infinity;

  constructor(out: { write(s: string): unknown }, opts: { tty: boolean; now?: () => number }) {
    super();
    this.#out = out;
    this.#tty = opts.tty;
    this.#now = opts.now ?? Date.now;
  }

  /** Bytes passed on so far. */
  get current(): number {
    return this.#current;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#current += chunk.length;
    if (this.#tty && this.#current - this.#lastUpdate > UPDATE_EVERY) {
      this.#lastUpdate = this.#current;
      const now = this.#now();
      if (now - this.#lastWrite >= MIN_INTERVAL_MS) {
        this.#lastWrite = now;
        this.#out.write(line(this.#current));
      }
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#out.write(`${line(this.#current)}\r\n`);
    done();
  }
}

/** rawProgressFormatter.formatProgress: a count without a total, or the bare action at zero. */
function line(current: number): string {
  const progress = renderProgress({ current });
  return `${SENDING} ${progress}${progress === '' ? '\r\n' : '\r'}`;
}
