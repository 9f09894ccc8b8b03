// `berth system audit --follow`: the lines berthd writes after the files were read, as they are
// written. They arrive while the files may still be streaming, so they wait in a bounded buffer
// until `start`; after that a reader that stops reading does not hold berthd's memory either —
// past LIMIT bytes waiting, lines are counted and the count is sent as a line of its own
// (the same `dropped` line the log writes for its own stalls), once the reader catches up.
import type { Writable } from 'node:stream';
import type { AuditFollower } from './audit-log.ts';
import { parseLine } from './audit-read.ts';

const LIMIT = 4 * 1024 * 1024;

export class AuditTail implements AuditFollower {
  readonly #matches: (line: Record<string, unknown>) => boolean;
  #out: Writable | undefined;
  #waiting: string[] | undefined = [];
  #waitingBytes = 0;
  #dropped = 0;
  readonly ended: Promise<void>;
  #end!: () => void;

  constructor(matches: (line: Record<string, unknown>) => boolean) {
    this.#matches = matches;
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }

  lines(batch: string): void {
    for (const text of batch.split('\n')) {
      const line = text && parseLine(text);
      if (line && this.#matches(line)) this.#send(text + '\n');
    }
  }

  /** The files are read: what waited goes out to `out`, and the rest as it comes. */
  start(out: Writable): void {
    this.#out = out;
    out.on('drain', () => this.#sendDropped());
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    for (const text of waiting) this.#send(text);
    this.#sendDropped();
  }

  end(): void {
    this.#end();
  }

  #send(text: string): void {
    const out = this.#out;
    if (this.#waiting || !out) {
      this.#waiting ??= [];
      if (this.#waitingBytes + text.length > LIMIT) return void this.#dropped++;
      this.#waiting.push(text);
      this.#waitingBytes += text.length;
    } else if (out.writableLength > LIMIT) {
      this.#dropped++;
    } else {
      this.#sendDropped(); // the count first, where the lines went missing
      if (!out.writableEnded) out.write(text);
    }
  }

  #sendDropped(): void {
    if (!this.#dropped || this.#waiting || !this.#out || this.#out.writableEnded) return;
    this.#out.write(JSON.stringify({ time: new Date().toISOString(), dropped: this.#dropped }) + '\n');
    this.#dropped = 0;
  }
}
