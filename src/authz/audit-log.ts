// The audit log: one JSON object per line, appended off the request path and rotated as the
// json-file log driver rotates (FILE, FILE.1 … FILE.<max-file − 1>).
//
// Invariants:
//  - a request never waits for the log: record() only queues; one writer loop drains the queue;
//  - no torn line: each write(2) is a batch of whole lines on an O_APPEND descriptor, so a
//    berthd killed at any moment leaves whole lines behind (what the kernel took is whole lines,
//    what it had not taken is lost whole);
//  - bounded memory: past MAX_QUEUED lines waiting (a stalled disk), lines are dropped and
//    counted, and the count is written as a line of its own once the disk takes writes again.
import { mkdirSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { logFailure } from '../lib/log-failure.ts';
import { rotatedPath, shift } from '../runtime/monitor/log-files.ts';
import { openAuditFiles, type AuditFile } from './audit-read.ts';

export interface AuditOptions {
  file: string;
  /** Rotate when the file would grow past this many bytes. */
  maxSize: number;
  /** Files kept, the current one included (1: truncate in place). */
  maxFile: number;
}

const MAX_QUEUED = 10_000;

/** A reader that follows the log: every batch written after its snapshot, until the log closes
 * (berthd stops, or a reload names another file). */
export interface AuditFollower {
  lines(batch: string): void;
  end(): void;
}

export class AuditLog {
  readonly #o: AuditOptions;
  readonly #logger: Logger;
  #queue: string[] = [];
  #dropped = 0;
  #handle: FileHandle | undefined;
  #size = 0;
  #draining: Promise<void> | undefined;
  readonly #followers = new Set<AuditFollower>();
  #closed = false;

  constructor(o: AuditOptions, logger: Logger) {
    this.#o = o;
    this.#logger = logger;
    mkdirSync(dirname(o.file), { recursive: true, mode: 0o700 });
  }

  get options(): AuditOptions {
    return this.#o;
  }

  record(entry: object): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#dropped++;
      return;
    }
    this.#queue.push(JSON.stringify(entry) + '\n');
    this.#kick();
  }

  #kick(): void {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      // A line queued after the loop saw an empty queue, before this ran, found a writer still
      // set and started none: without this it waited for the next request's line.
      if (this.#queue.length) this.#kick();
    });
  }

  /** The files (oldest first) as they are once every queued line is written, with the length
   * to read of each, and from then on every batch written to `follow`: opened and subscribed
   * while the writer is idle, so no line is read both ways and none is missed. */
  async snapshot(follow?: AuditFollower): Promise<AuditFile[]> {
    for (;;) {
      await this.flush();
      // flush() settled a microtask ago: a record since then may have begun a write.
      if (this.#draining) continue;
      const files = openAuditFiles(this.#o.file, this.#o.maxFile);
      if (follow && this.#closed) follow.end();
      else if (follow) this.#followers.add(follow);
      return files;
    }
  }

  unfollow(follower: AuditFollower): void {
    this.#followers.delete(follower);
  }

  /** Everything queued so far written (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    for (const f of this.#followers) f.end();
    this.#followers.clear();
    await this.#handle?.close();
    this.#handle = undefined;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length) {
      if (this.#dropped) this.#queue.unshift(JSON.stringify({ time: new Date().toISOString(), dropped: this.#dropped }) + '\n');
      this.#dropped = 0;
      // A batch well under max-size, so rotation (between batches) keeps files near that size.
      const limit = Math.max(1, Math.min(64 * 1024, this.#o.maxSize / 4));
      let bytes = 0;
      let n = 0;
      while (n < this.#queue.length && (n === 0 || bytes + this.#queue[n]!.length <= limit)) bytes += this.#queue[n++]!.length;
      const batch = this.#queue.splice(0, n).join('');
      try {
        await this.#write(Buffer.from(batch));
        for (const f of this.#followers) f.lines(batch);
      } catch (err) {
        this.#logger.error('audit log write failed; lines lost', { file: this.#o.file, lines: batch.split('\n').length - 1, error: (err as Error).message });
        await this.#handle?.close().catch(logFailure(this.#logger, 'closing the audit log after a failed write')); // reopened at the next write
        this.#handle = undefined;
      }
    }
  }

  async #write(bytes: Buffer): Promise<void> {
    if (this.#handle && this.#size > 0 && this.#size + bytes.length > this.#o.maxSize) await this.#rotate();
    if (!this.#handle) {
      this.#handle = await open(this.#o.file, 'a', 0o600);
      this.#size = (await this.#handle.stat()).size;
    }
    // A short write (a full disk) leaves the rest to write; the loop ends a line it began.
    for (let at = 0; at < bytes.length; ) at += (await this.#handle.write(bytes, at)).bytesWritten;
    this.#size += bytes.length;
  }

  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    const f = this.#o.file;
    if (this.#o.maxFile <= 1) return void (await rm(f, { force: true }));
    // As a container's json-file log: the oldest goes, the others move up one, FILE becomes .1.
    await shift(f, { maxSize: this.#o.maxSize, maxFiles: this.#o.maxFile, compress: false });
    await rename(f, rotatedPath(f, 1, false));
  }
}
