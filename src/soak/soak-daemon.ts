// The berthd under soak: a private one (its own data-root, exec-root, socket, default bridge and
// address pools — network-harness.ts), sampled from /proc, and at the end emptied through the
// API, checked for what it left in the kernel and on the host, stopped and removed.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Berthd } from '../testing/berthd-harness.ts';
import { networkHarness, networkNames, removeKernelObjects } from '../testing/network-harness.ts';
import { processesUnder } from '../faults/fault-daemon.ts';
import { firewallTable } from '../daemon/networks/network-kernel.ts';
import { netnsName } from '../daemon/networks/setup.ts';
import type { BerthClient } from '../client/index.ts';
import { PROBE_MARK } from './memory-probe.ts';
import { SNAPSHOT_MARK } from './memory-probe-heap.ts';

/** Where berthd's memory is (memory-probe.ts), kB unless named otherwise. */
export type MemoryProbe = Record<string, unknown> & { rssKb: number; heapTotalKb: number; externalKb: number; arrayBuffersKb: number };

export interface ProcFigures {
  rssKb: number;
  pssKb: number;
  fds: number;
}

export class SoakDaemon {
  readonly names = networkNames();
  readonly d: Berthd;

  #logRead = 0;
  #lastHeapMb = Number.NaN;

  /** nodeOptions: node flags for berthd (--cpu-prof …, V8's), after --trace-gc (heapAfterGc) and
   * bin/berthd's own; env: more of berthd's environment (MALLOC_ARENA_MAX=2 …). NODE_OPTIONS
   * carries only the memory probe's --import. */
  constructor(nodeOptions = '', env: Record<string, string> = {}) {
    // node's flags on its command line, as bin/berthd's `env -S` line puts them: NODE_OPTIONS
    // refuses many V8 flags (--trace-gc, --heap-growing-percent, …).
    const flags = ['--trace-gc', ...launcherNodeFlags(), ...nodeOptions.split(/\s+/).filter(Boolean)];
    const wrap = ['sh', '-c', `exec "$0" ${flags.map((f) => `'${f.replaceAll("'", "'\\''")}'`).join(' ')} "$@"`];
    const probe = `--import=${new URL('./memory-probe.js', import.meta.url).href}`;
    this.d = new Berthd(networkHarness(this.names, { wrap, env: { ...env, NODE_OPTIONS: probe } }));
  }

  /** Asks berthd's memory probe (SIGUSR2) and waits for its line; undefined if none comes
   * within 15 s (berthd's loop is slow under a loaded machine, not stuck). */
  async memoryProbe(): Promise<MemoryProbe | undefined> {
    return (await this.#probeLine(PROBE_MARK, 'SIGUSR2', 15_000)) as MemoryProbe | undefined;
  }

  /** Signals the probe and waits for its line after `mark` (JSON), bounded. */
  async #probeLine(mark: string, signal: NodeJS.Signals, withinMs: number): Promise<Record<string, unknown> | undefined> {
    const from = this.d.log.length;
    process.kill(this.d.pid!, signal);
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const at = this.d.log.indexOf(mark, from);
      const end = at >= 0 ? this.d.log.indexOf('\n', at) : -1;
      if (end >= 0) return JSON.parse(this.d.log.slice(at + mark.length, end)) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 50));
    }
    return undefined;
  }

  /** A heap snapshot of berthd (SIGPWR to the probe, which needs BERTH_SOAK_SNAPSHOT_DIR in
   * berthd's environment): its file, or undefined if none is written within 3 minutes. */
  async heapSnapshot(): Promise<string | undefined> {
    const line = await this.#probeLine(SNAPSHOT_MARK, 'SIGPWR', 180_000);
    return line && (line as { file: string }).file;
  }

  /**
   * berthd's V8 heap in use right after its last full collection (Mark-Compact, from --trace-gc
   * on its stdout), MiB: what the heap really holds — RSS also holds what V8 keeps to grow
   * into. The lowest such figure since the last call; the previous one if no full collection ran.
   */
  heapAfterGc(): { heapMb: number; fullGcs: number } {
    const fresh = this.d.log.slice(this.#logRead);
    this.#logRead = this.d.log.length;
    const after = [...fresh.matchAll(/Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g)].map((m) => Number(m[1]));
    if (after.length) this.#lastHeapMb = Math.min(...after);
    return { heapMb: this.#lastHeapMb, fullGcs: after.length };
  }

  async start(): Promise<void> {
    await this.d.start();
  }

  client(): BerthClient {
    return this.d.client();
  }

  /** berthd's own process: RSS and PSS (smaps_rollup) and its open file descriptors. */
  figures(): ProcFigures {
    const pid = this.d.pid!;
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
    return { rssKb: kb('Rss'), pssKb: kb('Pss'), fds: readdirSync(`/proc/${pid}/fd`).length };
  }

  /** berthd's CPU time so far (utime + stime of its main process, ms; clock ticks are 100 Hz).
   * Unlike latencies, a loaded machine inflates it little: it says what berthd itself spends
   * (a fork of berthd counts here; a fork in the host helper does not). */
  cpuMs(): number {
    const fields = readFileSync(`/proc/${this.d.pid!}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** berthd's main thread (its event loop) so far, from schedstat: ms on a CPU and ms runnable
   * but waiting for one. On a shared machine the second says how much of a slow answer is the
   * machine's: the loop was ready and the kernel ran something else. */
  loopSched(): { onCpuMs: number; waitMs: number } {
    const [on, wait] = readFileSync(`/proc/${this.d.pid!}/task/${this.d.pid!}/schedstat`, 'utf8').split(' ').map(Number);
    return { onCpuMs: on! / 1e6, waitMs: wait! / 1e6 };
  }

  /** rm -f of every container, rm of every user network and every volume; the failures. */
  async empty(): Promise<string[]> {
    const c = this.client();
    const notes: string[] = [];
    const note = (what: string) => (e: Error) => notes.push(`${what}: ${e.message}`);
    for (const x of await c.containers.list({ all: true })) await c.containers.remove(x.Id, { force: true }).catch(note(`rm -f ${x.Names[0]}`));
    for (const n of await c.networks.list()) if (!['bridge', 'host', 'none'].includes(n.Name!)) await c.networks.remove(n.Id!).catch(note(`network rm ${n.Name}`));
    for (const v of (await c.volumes.list()).Volumes ?? []) await c.volumes.remove(v.Name, { force: true }).catch(note(`volume rm ${v.Name}`));
    return notes;
  }

  /** With the daemon still up and emptied: nothing of the soak's containers and networks is
   * left in the kernel or the process table (the daemon itself and its berth-dns excepted). */
  leftoversWhileUp(containers: ReadonlySet<string>, networks: ReadonlySet<string>): string[] {
    const found: string[] = [];
    const links = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout || '[]') as { ifname: string; master?: string }[];
    const bridges = new Set([this.names.bridge, ...[...networks].map((id) => `br-${id.slice(0, 12)}`)]);
    for (const l of links) {
      if (l.master && bridges.has(l.master)) found.push(`veth left on ${l.master}: ${l.ifname}`);
      if (l.ifname !== this.names.bridge && bridges.has(l.ifname)) found.push(`bridge left: ${l.ifname}`);
    }
    const netns = new Set(listDir('/run/netns'));
    for (const id of containers) if (netns.has(netnsName(id))) found.push(`netns left: ${netnsName(id)}`);
    for (const p of processesUnder(this.d.dir)) {
      if (p.pid !== this.d.pid && !p.cmd.includes('berth-dns')) found.push(`process left: ${p.pid} ${p.cmd.slice(0, 160)}`);
    }
    for (const m of mountsUnder(this.d.dir)) found.push(`mount left: ${m}`);
    return found;
  }

  /** Stops the daemon and removes its directory (harness cleanup), then checks that nothing is
   * left: no process (conmon, berth-dns), mount, nft table or bridge of this daemon. */
  async teardown(): Promise<string[]> {
    const dir = this.d.dir;
    await this.d.cleanup();
    // The harness leaves the default bridge of a wrapped daemon (it expects a namespace of its
    // own, gone with it); this one is on the host, outliving berthd by design: remove it.
    spawnSync('ip', ['link', 'delete', this.names.bridge], { stdio: 'ignore' });
    const found: string[] = [];
    for (const p of processesUnder(dir)) found.push(`process left after stop: ${p.pid} ${p.cmd.slice(0, 160)}`);
    for (const m of mountsUnder(dir)) found.push(`mount left after stop: ${m}`);
    const table = firewallTable(join(dir, 'data'));
    if (spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout.includes(table)) found.push(`nft table left: ${table}`);
    if (spawnSync('ip', ['link', 'show', this.names.bridge], { stdio: 'ignore' }).status === 0) found.push(`default bridge left: ${this.names.bridge}`);
    // What a failure left is removed all the same: the machine is shared.
    for (const p of processesUnder(dir)) process.kill(p.pid, 'SIGKILL');
    removeKernelObjects(this.names);
    return found;
  }
}

/** node's flags on bin/berthd's first line (`#!/usr/bin/env -S node FLAGS`): the harness runs
 * node on the bundle itself, and the soak must run berthd as it is installed. A later
 * --node-options flag of the same name wins (node takes the last). */
export function launcherNodeFlags(): string[] {
  const first = readFileSync(new URL('../../bin/berthd', import.meta.url), 'utf8').split('\n')[0]!;
  return /^#!\S*env -S node (.+)$/.exec(first)?.[1]!.trim().split(/\s+/) ?? [];
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((p) => p.startsWith(`${dir}/`));
}
