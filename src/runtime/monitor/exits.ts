// Container exits as conmon reports them: when the container's process ends, conmon writes
// `<exit-dir>/<id>` holding the exit status as decimal text, via g_file_set_contents (a temp file
// renamed into place, so a visible file is complete). conmon's get_exit_status (ctr_exit.c):
// the exit code for a normal exit, 128+n for death by signal n (SIGTERM → 143, SIGKILL → 137),
// and -1 when conmon's --timeout killed it. The file's mtime is when it was written: the finish
// time. The file outlives both conmon and berthd, which is what live-restore relies on.
//
// One fs.watch on the directory serves every waiter; a poll backs it up (a watch can be lost
// if the directory is replaced), and both stop when nobody waits.
import { mkdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { formatTimestamp } from './k8s-log.ts';

export interface ExitStatus {
  /** Exit code; 128+n for signal n; -1 when conmon's --timeout fired. */
  exitCode: number;
  /** RFC3339Nano UTC, from the exit file's mtime. */
  finishedAt: string;
}

export class ExitWatcher {
  readonly dir: string;
  private pollMs: number;
  private waiters = new Map<string, Set<(s: ExitStatus) => void>>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(dir: string, pollMs = 1000) {
    this.dir = dir;
    this.pollMs = pollMs;
  }

  /** The recorded exit, or undefined while the container has not exited (or never ran). */
  async status(id: string): Promise<ExitStatus | undefined> {
    const path = join(this.dir, id);
    try {
      // A few bytes, read on every exit: synchronously (a thread-pool trip costs more).
      const text = readFileSync(path, 'utf8');
      const st = statSync(path, { bigint: true });
      const exitCode = Number.parseInt(text.trim(), 10);
      if (!Number.isFinite(exitCode)) return undefined; // not conmon's: ignore rather than guess
      return { exitCode, finishedAt: formatTimestamp(st.mtimeNs) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Resolves once the exit file exists; rejects with the signal's reason on abort. */
  wait(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const onAbort = () => {
        this.drop(id, done);
        reject(signal!.reason);
      };
      const done = (s: ExitStatus) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      set.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.ensureWatching().then(() => this.check(id), reject);
    });
  }

  private async ensureWatching(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const id of this.waiters.keys()) void this.check(id);
    }, this.pollMs);
    mkdirSync(this.dir, { recursive: true });
    if (!this.timer || this.watcher) return; // every waiter left meanwhile, or raced
    try {
      this.watcher = watch(this.dir, (_ev, name) => {
        if (name === null) for (const id of this.waiters.keys()) void this.check(id);
        else if (this.waiters.has(name)) void this.check(name);
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined; // the poll carries on
      });
    } catch {
      // the poll carries on
    }
  }

  private async check(id: string): Promise<void> {
    if (!this.waiters.has(id)) return;
    const s = await this.status(id).catch(() => undefined); // a read error (ENOENT is undefined already): the next poll tries again
    if (!s) return;
    const set = this.waiters.get(id);
    this.waiters.delete(id);
    for (const w of set ?? []) w(s);
    this.idle();
  }

  private drop(id: string, w: (s: ExitStatus) => void): void {
    const set = this.waiters.get(id);
    set?.delete(w);
    if (set?.size === 0) this.waiters.delete(id);
    this.idle();
  }

  private idle(): void {
    if (this.waiters.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }
}
