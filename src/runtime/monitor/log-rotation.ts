// Rotating a container's k8s-file log while conmon writes it, as Docker's json-file and local
// drivers rotate theirs: past max-size the file becomes <log>.1 (older ones shift up, the oldest
// goes, .1 is gzipped when asked) and conmon is told to reopen (ctl "2 0 0"; log-files.ts has
// the names). Mechanism only: berthd decides when to watch (daemon/containers/container-logs.ts).
//
// conmon's own --log-size-max is the safety net while berthd is down, and it needs care: conmon
// counts bytes written since it started or last truncated *by itself*, not since our reopen
// (measured with conmon 2.1.6), so however high the limit, conmon reaches it now and then, and
// then replaces <log> with an empty file, dropping what was in it. Two things make that harmless:
//  - <log>.keep, a hard link to the file conmon writes, renewed after every reopen: when conmon
//    replaces <log>, the old file lives on as .keep and is rotated in like any other;
//  - the rotator tracks conmon's count (conmon's bytes are exactly the bytes in the files) and does
//    not rotate by itself when conmon is about to, so the two never race. The count survives a
//    berthd restart in a small state file.
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KEEP_SUFFIX, finishRotated, listRotated, relinkKeep, rotatedPath, shift } from './log-files.ts';
import { alreadyEnded, orIfMissing } from '../../lib/log-failure.ts';

export interface RotationPolicy {
  /** Rotate when the file reaches this many bytes; 0: never. */
  maxSize: number;
  /** Files kept, the one being written included (Docker's max-file). */
  maxFiles: number;
  /** gzip rotated files. */
  compress: boolean;
}

const MiB = 1024 * 1024;
const MIN_GAP_MS = 5;

/** conmon's --log-size-max for a policy: far enough above max-size for berthd to rotate first. */
export function conmonLogLimit(p: RotationPolicy): number | undefined {
  return p.maxSize > 0 ? Math.max(4 * p.maxSize, 8 * MiB) : undefined;
}

/** Left to conmon when it is this close to its limit: more than conmon writes while a reopen
 * is on its way (a quarter of the limit at most, which only matters for limits set in tests). */
const margin = (p: RotationPolicy, limit: number) => Math.min(Math.max(p.maxSize / 2, MiB), limit / 4);

export interface RotatorOptions {
  path: string;
  policy: RotationPolicy;
  /** conmon's --log-size-max (undefined: conmon never truncates). */
  conmonLimit: number | undefined;
  conmonPid: number;
  /** Asks conmon to reopen its log (the ctl FIFO). */
  reopen: () => Promise<void>;
  /** Where conmon's byte count is kept across berthd restarts. */
  statePath: string;
  /** Extra size check interval, for changes the directory watch missed. */
  pollMs?: number;
  /** Least time between two checks (default MIN_GAP_MS). */
  minGapMs?: number;
  /** Asked on each poll: false stops the rotator (conmon gone without the exit being seen). */
  alive?: () => Promise<boolean>;
  onError?: (err: unknown) => void;
}

/** Before conmon starts: drop a stale .keep; returns the size conmon will append to (pass it to
 * start(); a file already past max-size is rotated by the first check, off the start path). */
export async function beforeStart(path: string): Promise<number> {
  rmSync(`${path}${KEEP_SUFFIX}`, { force: true }); // on the start path: no thread-pool trips
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

export class LogRotator {
  readonly #o: RotatorOptions;
  /** conmon's count minus the size of the file it writes now. */
  #counted = 0;
  #running: Promise<void> = Promise.resolve();
  #pending = false;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastCheck = 0;

  constructor(o: RotatorOptions) {
    this.#o = o;
  }

  /** Starts watching. `startSize`: the log's size when this conmon started (a fresh start), else
   * the count is read back from the state file. */
  async start(startSize?: number): Promise<void> {
    this.#counted = startSize !== undefined ? -startSize : await this.#loadCount();
    this.#saveCount();
    if (this.#stopped) return; // the container is already gone
    try {
      this.#watcher = watch(dirname(this.#o.path), () => this.check()).unref();
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      // the poll covers it
    }
    this.#timer = setInterval(() => void this.#poll(), this.#o.pollMs ?? 1000).unref();
    this.check();
    await this.#running;
  }

  /** Look at the log soon: at most one check runs and one more waits, MIN_GAP_MS apart, so a
   * chatty container costs at most 200 pairs of stat calls a second, not one per write. */
  check(): void {
    if (this.#stopped || this.#pending) return;
    this.#pending = true;
    this.#running = this.#running.then(async () => {
      const wait = this.#lastCheck + (this.#o.minGapMs ?? MIN_GAP_MS) - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.#pending = false;
      if (this.#stopped) return;
      this.#lastCheck = Date.now();
      await this.#check().catch((err) => this.#o.onError?.(err));
    });
  }

  async #poll(): Promise<void> {
    if (this.#o.alive && !(await this.#o.alive())) return void this.stop();
    this.check();
  }

  /** Resolves when the checks asked for so far have run. */
  async idle(): Promise<void> {
    while (this.#pending) await this.#running;
    await this.#running;
  }

  /** The writer is gone: one last look (so the files end within max-size, as dockerd's drivers
   * leave them), then stop. */
  async finish(): Promise<void> {
    await this.stop();
    const existed = existsSync(this.#o.path);
    // At once, not MIN_GAP_MS after the last look: this is on the path of every container exit.
    await this.#check().catch((err) => this.#o.onError?.(err));
    // Rotated just now: no writer is left to open a new file, so leave an empty one, as a
    // rotation by dockerd does (LogPath names a file that exists).
    if (existed && !existsSync(this.#o.path)) closeSync(openSync(this.#o.path, 'a', 0o600));
  }

  /** Stops watching; resolves when a rotation in progress has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watcher?.close();
    clearInterval(this.#timer);
    await this.#running;
  }

  async #check(): Promise<void> {
    const { path, policy, conmonLimit } = this.#o;
    // Two stats of small metadata, up to 200 times a second: synchronously, cheaper than the
    // thread pool's round trips.
    const cur = statSync(path, { throwIfNoEntry: false });
    // No file: a rotation cut short (berthd stopped between rename and reopen) leaves conmon
    // writing into .1; ask again (conmon gone: a conflict, nothing to report).
    if (!cur) return void (await this.#o.reopen().catch((err: unknown) => void (alreadyEnded(err) || this.#o.onError?.(err))));
    const keep = statSync(`${path}${KEEP_SUFFIX}`, { throwIfNoEntry: false });
    if (keep?.ino !== cur.ino) await this.#adoptReplaced(keep?.ino);
    if (policy.maxSize === 0 || cur.size < policy.maxSize) return;
    if (conmonLimit !== undefined && conmonLimit - (this.#counted + cur.size) <= margin(policy, conmonLimit)) return; // conmon's turn
    await this.#rotate(cur.ino);
  }

  /** <log> is not the file .keep holds: conmon replaced it (its limit), or .keep is new. */
  async #adoptReplaced(keepIno: number | undefined): Promise<void> {
    const { path, policy } = this.#o;
    if (keepIno !== undefined && !(await this.#isRotated(keepIno))) {
      await shift(path, policy);
      await rename(`${path}${KEEP_SUFFIX}`, rotatedPath(path, 1, false));
      await finishRotated(path, policy);
      this.#counted = 0;
    }
    relinkKeep(path);
    this.#saveCount();
  }

  async #isRotated(ino: number): Promise<boolean> {
    for (const r of await listRotated(this.#o.path)) if ((await stat(r.path).catch(orIfMissing(undefined)))?.ino === ino) return true;
    return false;
  }

  async #rotate(ino: number): Promise<void> {
    const { path, policy } = this.#o;
    await shift(path, policy);
    const first = rotatedPath(path, 1, false);
    await rename(path, first);
    // conmon writes on into .1 until it reopens; after that .1 is complete.
    const reopened = await this.#o.reopen().then(() => waitForNewFile(path, ino, () => this.#stopped), () => false);
    this.#counted += (await stat(first).catch(orIfMissing(undefined)))?.size ?? 0;
    if (reopened) relinkKeep(path);
    // Not reopened (conmon is gone, at an exit): .keep still links the file now at .1. Once .1 is
    // compressed the two would be different files with the same lines, and a reader in between
    // (the exit's `docker logs`) would read them twice; .1 is where they are kept.
    else dropKeepOf(path, first);
    this.#saveCount();
    await finishRotated(path, policy);
  }

  async #loadCount(): Promise<number> {
    try {
      const s = JSON.parse(await readFile(this.#o.statePath, 'utf8')) as { conmonPid?: number; counted?: number };
      if (s.conmonPid === this.#o.conmonPid && typeof s.counted === 'number') return s.counted;
    } catch {
      // no state: see below
    }
    // Unknown: assume conmon is near its limit, so berthd leaves the next rotation to it (after
    // which the count is known again). The file grows to conmon's limit at most.
    return this.#o.conmonLimit ?? 0;
  }

  /** A few bytes in the exec-root (tmpfs), written at every start: synchronously. */
  #saveCount(): void {
    const tmp = `${this.#o.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ conmonPid: this.#o.conmonPid, counted: this.#counted }));
    renameSync(tmp, this.#o.statePath);
  }
}

/** conmon reopens from its main loop, within a millisecond or two unless it is very busy (or
 * exiting: then the container's exit stops the rotator and the wait). */
async function waitForNewFile(path: string, oldIno: number, stopped: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + 2000; Date.now() < deadline && !stopped(); ) {
    const st = await stat(path).catch(orIfMissing(undefined)); // not there yet: conmon has not reopened
    if (st && st.ino !== oldIno) return true;
    await new Promise((r) => setTimeout(r, 1));
  }
  return false;
}

/** Removes <log>.keep when it is the file at `rotated` (the same inode). */
function dropKeepOf(path: string, rotated: string): void {
  const keep = statSync(`${path}${KEEP_SUFFIX}`, { throwIfNoEntry: false });
  if (keep && keep.ino === statSync(rotated, { throwIfNoEntry: false })?.ino) rmSync(`${path}${KEEP_SUFFIX}`, { force: true });
}
