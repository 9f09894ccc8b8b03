// The two daemons the benches compare, started side by side on private sockets and data
// directories under one bench directory: berthd, and Debian's dockerd 20.10 with its own
// containerd namespace. dockerd must not touch the machine's network: it gets no bridge and no
// iptables, or (the container bench's bridge rows) a network namespace of its own with a bridge
// the bench made in it (bench-networks.ts). berthd gets the bench's bridge name and subnet.
// Everything they leave behind is found by that directory's path and removed.
import { spawn, execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BERTHD } from '../testing/berthd-harness.ts';

export const DOCKERD = '/usr/sbin/dockerd';

export interface Engine {
  name: 'berthd' | 'dockerd';
  sock: string;
  child: ChildProcess;
  readyMs: number;
  /** The daemon's own processes (dockerd: also its managed containerd). */
  pids: () => number[];
  /** What it wrote (the last 64 KiB), for error messages. */
  log: () => string;
}

/** `wrap`: a command that execs its arguments (berthd's argv) after setting something up (a
 * mount namespace); `prefix` names its files, so two berthds can share a bench directory. */
export async function startBerthd(dir: string, opts: BerthdOptions = {}): Promise<Engine> {
  const { argv, sock } = berthdArgv(dir, opts);
  return startEngine('berthd', argv, sock, (pid) => [pid]);
}

export interface BerthdOptions {
  wrap?: string[];
  prefix?: string;
  net?: { bridge: string; bip: string };
  /** What runs berthd (default: this node with dist/bin/berthd.js; the startup bench: bin/berthd). */
  program?: string[];
}

/** berthd's command line on private files in `dir` (its config file written), and its socket. */
export function berthdArgv(dir: string, opts: BerthdOptions = {}): { argv: string[]; sock: string } {
  const p = opts.prefix ?? 'berth';
  const sock = join(dir, `${p}.sock`);
  writeFileSync(join(dir, `${p}-daemon.json`), '{}');
  const argv = [...(opts.wrap ?? []), ...(opts.program ?? [process.execPath, BERTHD]), '--data-root', join(dir, p), '--exec-root', join(dir, `${p}-exec`), '--pidfile', join(dir, `${p}d.pid`), '--config-file', join(dir, `${p}-daemon.json`), '-H', `unix://${sock}`];
  // Without a bridge of the bench's, none at all: the default berth0 / 172.17 is the machine's.
  argv.push(...(opts.net ? ['--bridge', opts.net.bridge, '--bip', opts.net.bip] : ['--bridge', 'none']));
  return { argv, sock };
}

/** berthd's data and exec roots in the bench directory (what its network state is named by). */
export const berthdRoots = (dir: string, prefix = 'berth') => ({ dataRoot: join(dir, prefix), execRoot: join(dir, `${prefix}-exec`) });

/** Debian's dockerd, or undefined when docker.io is not installed. With `net`, it runs in that
 * network namespace on that bridge (already there), with iptables and ip_forward of its own. */
export async function startDockerd(dir: string, opts: { net?: { netns: string; bridge: string } } = {}): Promise<Engine | undefined> {
  if (!existsSync(DOCKERD)) return undefined;
  const { argv, sock } = dockerdArgv(dir, opts);
  return startEngine('dockerd', argv, sock, (p) => [p, ...childrenOf(p)]);
}

/** dockerd's command line on private files in `dir` (its config file written), and its socket. */
export function dockerdArgv(dir: string, opts: { net?: { netns: string; bridge: string } } = {}): { argv: string[]; sock: string } {
  const sock = join(dir, 'docker.sock');
  writeFileSync(join(dir, 'daemon.json'), '{}');
  const argv = [DOCKERD, '--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'docker-exec'), '--pidfile', join(dir, 'docker.pid'), '-H', `unix://${sock}`, ...(opts.net ? ['-b', opts.net.bridge] : ['--iptables=false', '--bridge=none']), '--containerd-namespace', 'berth-bench', '--config-file', join(dir, 'daemon.json')];
  if (opts.net) argv.unshift('nsenter', `--net=/run/netns/${opts.net.netns}`, '--');
  return { argv, sock };
}

async function startEngine(name: Engine['name'], argv: string[], sock: string, pids: (self: number) => number[]): Promise<Engine> {
  const started = performance.now();
  // Output goes to a file, not a pipe: the benches block in spawnSync for seconds, and a daemon
  // writing into a full pipe nobody reads would stall.
  const logFile = join(dirname(sock), `${basename(sock, '.sock')}.log`);
  const fd = openSync(logFile, 'a');
  // Its own process group: a Ctrl-C at the terminal reaches the bench, which then stops the
  // daemons itself after removing their containers.
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const log = () => readFileSync(logFile, 'utf8').slice(-65536);
  // A bench that dies half way must not leave its daemons behind.
  const reap = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const engine: Engine = { name, sock, child, readyMs: 0, pids: () => pids(child.pid!), log };
  while (!(await answers(sock))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited during start:\n${log()}`);
    if (performance.now() - started > 30_000) {
      await stopEngine(engine);
      throw new Error(`${name} did not answer within 30 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  engine.readyMs = performance.now() - started;
  return engine;
}

async function answers(sock: string): Promise<boolean> {
  if (!existsSync(sock)) return false;
  return spawnSync('curl', ['-sf', '--unix-socket', sock, 'http://d/_ping'], { stdio: 'ignore' }).status === 0;
}

/** SIGTERM, and SIGKILL if the daemon has not gone after 30 s. */
export function stopEngine(e: Engine): Promise<void> {
  return stopChild(e.child);
}

/** SIGTERM, and SIGKILL if it has not gone after 30 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await gone;
  clearTimeout(timer);
}

/**
 * Removes the bench directory after the daemons have stopped: first any process still naming
 * it on its command line (a monitor or shim the daemons left), then any mount under it, deepest
 * first. Returns what had to be cleaned up, so a leak is reported rather than hidden.
 */
export function removeBenchDir(dir: string): string[] {
  const leftovers: string[] = [];
  for (const pid of processesNaming(dir)) {
    leftovers.push(`process ${pid}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((t) => t.startsWith(`${dir}/`));
  for (const target of mounts.reverse()) {
    leftovers.push(`mount ${target}`);
    spawnSync('umount', ['-l', target]);
  }
  rmSync(dir, { recursive: true, force: true });
  return leftovers;
}

function processesNaming(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/`)) pids.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Processes whose program is `program` (basename of argv[0]) and whose argv includes one of `words`. */
export function processesWith(program: string, words: ReadonlySet<string>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.split('/').pop() === program && argv.some((a) => words.has(a))) pids.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited while we looked
    }
  }
  return kb / 1024;
}

/** Proportional set size: shared pages (libc, glib) divided among the processes that map them. */
export function pssMiB(pids: number[]): number {
  return smapsRollupMiB(pids, 'Pss');
}

/** One field of /proc/<pid>/smaps_rollup (Pss, Anonymous...), summed over the processes. */
export function smapsRollupMiB(pids: number[], field: string): number {
  const line = new RegExp(`^${field}:\\s+(\\d+)`, 'm');
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(line.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited while we looked
    }
  }
  return kb / 1024;
}

export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
