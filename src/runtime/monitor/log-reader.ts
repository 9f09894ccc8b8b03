// Reading a container's log as `docker logs` needs it, across its rotated files (log-chain.ts):
// tail/since found by seeking (log-seek.ts), lines rebuilt from P fragments, filtered by stream
// and time, and optionally followed until the container exits. The exit file conmon writes comes
// after it has drained the container's pipes and synced the log (conmon.c, end of main), so once
// the caller's `exited` promise settles, one more read to EOF sees every line.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fragmentOf, LineJoiner, parseRecord, toNs, type LogEntry } from './k8s-log.ts';
import { LogChain } from './log-chain.ts';
import { findSince, findTail } from './log-seek.ts';
import { orIfMissing } from '../../lib/log-failure.ts';

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
  /** Yield each record as soon as it is read, partial lines included (attach, exec); a time:
   * only the records from that time on, earlier ones joined into lines. A line begun before it
   * is yielded as far as it got, so a reader of the records after that time gets the rest. */
  fragments?: boolean | bigint;
}

const FIRST_CHUNK = 8 * 1024;
const CHUNK = 64 * 1024;

/** The log's entries one by one (see readLogBatches). */
export async function* readLogs(path: string, opts: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  for await (const batch of readLogBatches(path, opts)) yield* batch;
}

/** The log's entries in batches (one per read of the file): a full `docker logs` of a big log
 * is dominated by per-entry hops through async generators otherwise. */
export async function* readLogBatches(path: string, opts: ReadLogsOptions = {}): AsyncGenerator<LogEntry[]> {
  const sinceNs = opts.since === undefined ? undefined : toNs(opts.since);
  const untilNs = opts.until === undefined ? undefined : toNs(opts.until);
  const want = (s: string) => (s === 'stdout' ? opts.stdout !== false : opts.stderr !== false);
  const waker = opts.follow ? new Waker(path, opts.pollMs ?? 250, opts.signal, opts.exited) : undefined;
  let chain: LogChain | undefined;
  try {
    // Following a container that has not written yet: wait for conmon to create the file.
    for (;;) {
      const ended = waker?.ended;
      await chain?.close();
      chain = await LogChain.open(path, opts.onRead);
      if (!chain.empty || !waker || ended || opts.signal?.aborted) break;
      await waker.wait();
    }
    if (chain.empty) return;
    const size = await chain.size();
    let pos = 0;
    let skip = 0;
    if (opts.tail !== undefined && opts.tail >= 0) {
      const t = opts.tail === 0 ? { offset: size, lines: 0 } : await findTail(chain, size, opts.tail);
      pos = t.offset;
      skip = Math.max(0, t.lines - opts.tail);
    } else if (sinceNs !== undefined) {
      pos = await sinceStart(chain, sinceNs);
    }
    const joiner = new LineJoiner();
    const fromNs = opts.fragments;
    const asFragment = (t: bigint) => fromNs === true || (typeof fromNs === 'bigint' && t >= fromNs);
    let lastNs: bigint | undefined; // of the last record read: where to go on if a file is lost
    let done = false; // `until` passed
    const accept = (e: LogEntry): boolean => {
      if (skip > 0) return (skip--, false);
      if (sinceNs !== undefined && e.timeNs < sinceNs) return false;
      if (untilNs !== undefined && e.timeNs > untilNs) return ((done = true), false);
      return want(e.stream);
    };
    // Reads complete records from pos to EOF, one read's worth at a time; pos stays at the first
    // incomplete record.
    async function* drain(from: LogChain): AsyncGenerator<LogEntry[]> {
      let len = FIRST_CHUNK; // small first: a tail or since window is usually a few lines
      for (;;) {
        if (opts.signal?.aborted) return void (done = true);
        const buf = await from.read(pos, len);
        const out: LogEntry[] = [];
        let start = 0;
        for (let nl = buf.indexOf(0x0a); nl >= 0 && !done; nl = buf.indexOf(0x0a, start)) {
          const rec = parseRecord(buf.subarray(start, nl));
          start = nl + 1;
          if (rec) lastNs = rec.timeNs;
          if (rec && asFragment(rec.timeNs)) {
            if (joiner.hasPending) for (const p of joiner.flush()) if (accept(p)) out.push(p);
            const e = fragmentOf(rec);
            if (accept(e)) out.push(e);
            continue;
          }
          const e = rec && joiner.push(rec);
          if (e && accept(e)) out.push(e);
        }
        pos += start;
        if (out.length) yield out;
        if (done || buf.length < len) return; // `until` passed, or EOF
        len = start === 0 ? len * 2 : Math.min(len * 2, CHUNK); // no whole record in it: read more at once
      }
    }
    for (;;) {
      const last = waker?.ended ?? true;
      yield* drain(chain);
      if (done) return;
      if (!waker) break;
      // Rotation (berthd renames the file and conmon reopens it) or conmon's own --log-size-max
      // (a new file renamed over the old): finish the old file, then go on where it continues.
      const now = await stat(path).catch(orIfMissing(undefined)); // replaced, or not written yet: the poll looks again
      if (now && (!chain.hasLive || now.ino !== chain.lastIno)) {
        yield* drain(chain);
        const next = await LogChain.open(path, opts.onRead);
        pos = chain.positionIn(next, pos) ?? (lastNs === undefined ? 0 : await sinceStart(next, lastNs + 1n));
        await chain.close();
        chain = next;
        continue;
      }
      if (pos > (await chain.size())) pos = chain.base(chain.count - 1); // truncated in place
      if (last || opts.signal?.aborted) break;
      await waker.wait();
      if (opts.signal?.aborted) return;
    }
    const rest = joiner.flush().filter(accept);
    if (rest.length) yield rest;
  } finally {
    waker?.close();
    await chain?.close();
  }
}

/** The first record at or after sinceNs: in the newest file that starts before it, bisected. */
async function sinceStart(chain: LogChain, sinceNs: bigint): Promise<number> {
  for (let i = chain.count - 1; i >= 0; i--) {
    const t = await chain.firstTime(i);
    if (t !== undefined && t < sinceNs) return findSince(chain, await chain.end(i), sinceNs, chain.base(i));
  }
  return 0;
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
