// The berthd under fault: one private directory (data-root, exec-root, socket) that successive
// daemons share, each started afresh after the last was killed. Everything it starts it ends:
// at teardown the containers are removed through the API, the daemon is stopped by its pid,
// and only then — if something is still there, which the checks have already reported — its
// monitors are killed by pid and its mounts detached, so the machine is left as found.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Berthd, type HarnessOptions } from '../testing/berthd-harness.ts';
import type { BerthClient } from '../client/index.ts';
import { mountTable, unmountOrDetach } from '../image/layers/index.ts';
import { isLiveProcess } from '../lib/proc.ts';

const READY_MS = 60_000;

export class FaultDaemon {
  /** Every daemon not torn down yet: what main's watchdog and signal handlers tear down. */
  static readonly live = new Set<FaultDaemon>();

  readonly dir = mkdtempSync(join(tmpdir(), 'berth-faults-'));
  readonly dataRoot = join(this.dir, 'data');
  readonly execRoot = join(this.dir, 'exec');
  #current: Berthd | undefined;
  /** How long each start took until the daemon answered, in ms. */
  readonly startMs: number[] = [];
  /** Flags and daemon.json of every start (a bridge of its own, a runtime…); dir is ours. */
  readonly #harness: HarnessOptions;

  /** `harness` may be made from the directory (a file the flags name goes there). */
  constructor(harness: Omit<HarnessOptions, 'dir'> | ((dir: string) => Omit<HarnessOptions, 'dir'>) = {}) {
    this.#harness = typeof harness === 'function' ? harness(this.dir) : harness;
    FaultDaemon.live.add(this);
  }

  get daemon(): Berthd {
    if (!this.#current) throw new Error('berthd is not running');
    return this.#current;
  }

  client(): BerthClient {
    return this.daemon.client();
  }

  /** A new berthd on the same directory; rejects (with its log) if it does not come up. */
  async start(): Promise<void> {
    this.#pastLogs += this.#current?.log ?? '';
    // A fresh harness object per start: its readiness check reads its own log only.
    const d = new Berthd({ ...this.#harness, dir: this.dir });
    this.#current = d;
    const t0 = performance.now();
    await d.start().catch((err: Error) => this.#slowStart(d, err));
    this.startMs.push(performance.now() - t0);
  }

  /** The harness gives a start 15 s; on a machine with a load of 30 on 2 cores a restart took
   * 6-13 s and sometimes more (test-faults reported "did not come back" for a daemon that came
   * up a few seconds later). A daemon still starting gets READY_MS in all: it must come back,
   * not come back fast (the time is reported, startMs). */
  async #slowStart(d: Berthd, err: Error): Promise<void> {
    if (!/did not finish starting/.test(err.message) || d.pid === undefined) throw err;
    const deadline = Date.now() + READY_MS;
    while (!/Daemon has completed initialization/.test(d.log)) {
      if (Date.now() > deadline || !isLiveProcess(d.pid)) throw new Error(`berthd did not finish starting within ${READY_MS} ms:\n${d.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(): Promise<void> {
    await this.#current?.kill();
  }

  #pastLogs = '';

  /** The logs of every daemon started so far, in order. */
  get log(): string {
    return this.#pastLogs + (this.#current?.log ?? '');
  }

  async teardown(): Promise<string[]> {
    FaultDaemon.live.delete(this);
    const notes: string[] = [];
    try {
      if (this.#current?.pid !== undefined) {
        const c = this.client().containers;
        for (const x of await c.list({ all: true })) await c.remove(x.Id, { force: true }).catch((e: Error) => notes.push(`rm ${x.Id}: ${e.message}`));
      }
    } catch (err) {
      notes.push(`cannot list containers at teardown: ${(err as Error).message}`);
    }
    // The harness's cleanup stops it and removes what outlives it by design (berth-dns, the
    // firewall table, the bridges of the store's networks); our directory stays ours.
    await this.#current?.cleanup().catch((e: Error) => notes.push(`stopping berthd: ${e.message}`));
    for (const { pid, cmd } of processesUnder(this.dir)) {
      notes.push(`killed leftover process ${pid}: ${cmd}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    // A daemon that did not come back removed none of its containers: their namespaces stay.
    for (const ns of netnsOf(this.dataRoot)) {
      notes.push(`deleted leftover netns ${ns}`);
      spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
    }
    for (const m of mountTable().reverse().filter((m) => m.point.startsWith(`${this.dir}/`))) {
      notes.push(`detached leftover mount ${m.point}`);
      await unmountOrDetach(m.point).catch((e: Error) => notes.push(e.message));
    }
    rmSync(this.dir, { recursive: true, force: true });
    return notes;
  }
}

/** Namespaces berth-<id12> of this daemon's containers (their directories name them). */
function netnsOf(dataRoot: string): string[] {
  let ids: string[];
  try {
    ids = readdirSync(join(dataRoot, 'containers'));
  } catch {
    return [];
  }
  return ids.map((id) => `berth-${id.slice(0, 12)}`).filter((ns) => existsSync(`/run/netns/${ns}`));
}

/** Processes whose command line names a path under dir (berthd; conmon names its bundle and log). */
export function processesUnder(dir: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (cmd.includes(`${dir}/`) && Number(pid) !== process.pid) out.push({ pid: Number(pid), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
