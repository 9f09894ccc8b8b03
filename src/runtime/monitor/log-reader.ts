// Reading a container's k8s-file log as `docker logs` needs it: tail/since found by seeking
// (log-seek.ts), lines rebuilt from P fragments, filtered by stream and time, and optionally
// followed until the container exits. The exit file conmon writes comes after it has drained the
// container's pipes and synced the log (conmon.c, end of main), so once the caller's `exited`
// promise settles, one more read to EOF sees every line.
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fragmentOf, LineJoiner, parseRecord, toNs, type LogEntry } from './k8s-log.ts';
import { BlockReader, findSince, findTail } from './log-seek.ts';

export interface ReadLogsOptions {
  follow?: boolean;
  since?: Date | bigint;
  until?: Date | bigint;
  /** The last N lines (before the stream filter, as Docker counts); undefined or < 0 for all. */
  tail?: number;
  stdout?: boolean;
  stderr?: boolean;
  /** Stops reading and following at once. */
  signal?: AbortSignal;
  /** Following ends when this settles (the container exited) and the rest is read. */
  exited?: Promise<unknown>;
  /** Sees the size of every read (tests count bytes with it). */
  onRead?: (bytes: number) => void;
  pollMs?: number;
  /** Yield each record as soon as it is read, partial lines included (TTY attach). */
  fragments?: boolean;
}

const FIRST_CHUNK = 8 * 1024;
const CHUNK = 64 * 1024;

export async function* readLogs(path: string, opts: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  const sinceNs = opts.since === undefined ? undefined : toNs(opts.since);
  const untilNs = opts.until === undefined ? undefined : toNs(opts.until);
  const want = (s: string) => (s === 'stdout' ? opts.stdout !== false : opts.stderr !== false);
  const waker = opts.follow ? new Waker(path, opts.pollMs ?? 250, opts.signal, opts.exited) : undefined;
  let fh: FileHandle | undefined;
  try {
    // Following a container that has not written yet: wait for conmon to create the file.
    for (;;) {
      const ended = waker?.ended;
      fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
      if (fh || !waker || ended || opts.signal?.aborted) break;
      await waker.wait();
    }
    if (!fh) return;
    let reader = new BlockReader(fh, opts.onRead);
    const size = (await fh.stat()).size;
    let pos = 0;
    let skip = 0;
    if (opts.tail !== undefined && opts.tail >= 0) {
      const t = opts.tail === 0 ? { offset: size, lines: 0 } : await findTail(reader, size, opts.tail);
      pos = t.offset;
      skip = Math.max(0, t.lines - opts.tail);
    } else if (sinceNs !== undefined) {
      pos = await findSince(reader, size, sinceNs);
    }
    const joiner = new LineJoiner();
    let done = false; // `until` passed
    const accept = (e: LogEntry): boolean => {
      if (skip > 0) return (skip--, false);
      if (sinceNs !== undefined && e.timeNs < sinceNs) return false;
      if (untilNs !== undefined && e.timeNs > untilNs) return ((done = true), false);
      return want(e.stream);
    };
    // Reads complete records from pos to EOF; pos stays at the first incomplete record.
    async function* drain(): AsyncGenerator<LogEntry> {
      let len = FIRST_CHUNK; // small first: a tail or since window is usually a few lines
      for (;;) {
        if (opts.signal?.aborted) return void (done = true);
        const buf = await reader.read(pos, len);
        let start = 0;
        for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
          const rec = parseRecord(buf.subarray(start, nl));
          start = nl + 1;
          const e = rec && (opts.fragments ? fragmentOf(rec) : joiner.push(rec));
          if (e && accept(e)) yield e;
          if (done) return;
        }
        pos += start;
        if (buf.length < len) return; // EOF
        len = start === 0 ? len * 2 : Math.min(len * 2, CHUNK); // no whole record in it: read more at once
      }
    }
    for (;;) {
      const last = waker?.ended ?? true;
      yield* drain();
      if (done) return;
      if (!waker) break;
      // conmon's --log-size-max and its reopen command replace the file (write .tmp, rename):
      // finish the old file, then continue at the start of the new one.
      const now = await stat(path).catch(() => undefined);
      const cur = await fh.stat();
      if (now && now.ino !== cur.ino) {
        yield* drain();
        await fh.close();
        fh = await open(path, 'r');
        reader = new BlockReader(fh, opts.onRead);
        pos = 0;
        continue;
      }
      if (cur.size < pos) pos = 0; // truncated in place
      if (last || opts.signal?.aborted) break;
      await waker.wait();
      if (opts.signal?.aborted) return;
    }
    for (const e of joiner.flush()) if (accept(e)) yield e;
  } finally {
    waker?.close();
    await fh?.close();
  }
}

/** Wakes a follower on a change in the log's directory, a poll tick, abort, or container exit. */
class Waker {
  ended = false;
  private dirty = false;
  private wake: (() => void) | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout;
  private signal: AbortSignal | undefined;
  private onAbort = () => this.kick();

  constructor(path: string, pollMs: number, signal?: AbortSignal, exited?: Promise<unknown>) {
    const name = basename(path);
    try {
      // The directory, not the file: a replaced file is a new inode the old watch never sees.
      this.watcher = watch(dirname(path), (_ev, f) => (f === null || f === name || f === `${name}.tmp` ? this.kick() : undefined));
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No directory yet: the poll covers it.
    }
    this.timer = setInterval(() => this.kick(), pollMs);
    this.signal = signal;
    signal?.addEventListener('abort', this.onAbort);
    const end = () => ((this.ended = true), this.kick());
    exited?.then(end, end);
  }

  private kick(): void {
    this.dirty = true;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  wait(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = () => {
        this.dirty = false;
        resolve();
      };
    });
  }

  close(): void {
    clearInterval(this.timer);
    this.watcher?.close();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.kick();
  }
}
