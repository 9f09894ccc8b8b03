// The daemon rows of the startup bench: a daemon started by its command line and timed from
// just before the spawn to its first successful GET /_ping, then its whole process tree's
// memory read from /proc. The probe runs in this process (a connect over the unix socket every
// 2 ms) rather than a curl per attempt as daemons.ts does: a curl fork costs 20–40 ms on this
// machine, which would be the resolution of a figure of a few hundred ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild } from './daemons.ts';

export interface TimedDaemon {
  child: ChildProcess;
  /** Spawn to the first 200 from /_ping, in ms. */
  readyMs: number;
}

/** Starts `argv` (its output appended to `logFile`) and waits for `sock` to answer /_ping. */
export async function startTimed(argv: string[], sock: string, logFile: string, env: NodeJS.ProcessEnv = process.env): Promise<TimedDaemon> {
  const fd = openSync(logFile, 'a');
  const started = performance.now();
  // Its own process group, so a Ctrl-C at the terminal reaches only the bench, which stops it.
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: true, env });
  closeSync(fd);
  const reap = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  while (!(await pings(sock))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${argv[0]} exited during start:\n${tail(logFile)}`);
    if (performance.now() - started > 30_000) {
      await stopChild(child);
      throw new Error(`${argv[0]} did not answer within 30 s:\n${tail(logFile)}`);
    }
    await sleep(2);
  }
  return { child, readyMs: performance.now() - started };
}

const tail = (file: string) => readFileSync(file, 'utf8').slice(-4096);

/** Whether GET /_ping on the unix socket answers 200 (no socket yet or refused: false). */
export function pings(sock: string): Promise<boolean> {
  if (!existsSync(sock)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ socketPath: sock, path: '/_ping', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
    });
    req.once('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
    req.end();
  });
}


/** `pid` and all its descendants (children of children), from the ppid field of /proc/<pid>/stat. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const p = Number(entry);
    if (!Number.isInteger(p)) continue;
    try {
      // The command name in parentheses may hold spaces or parentheses: the fields follow the last ')'.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), p]);
    } catch {
      // exited while we looked
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export interface TreeMemory {
  rssMiB: number;
  pssMiB: number;
  /** The programs of the tree, e.g. ["dockerd", "containerd"]. */
  programs: string[];
}

/** RSS and PSS summed over the processes, from /proc/<pid>/smaps_rollup. */
export function treeMemory(pids: readonly number[]): TreeMemory {
  let rss = 0;
  let pss = 0;
  const programs: string[] = [];
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += kb(rollup, 'Rss');
      pss += kb(rollup, 'Pss');
      programs.push(programOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')));
    } catch {
      // exited while we looked
    }
  }
  return { rssMiB: rss / 1024, pssMiB: pss / 1024, programs };
}

const kb = (rollup: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);

/** The program a command line runs: its executable's name, or for node the script's (node names
 * its main thread "MainThread", so /proc/<pid>/comm does not tell berthd from berth-dns). */
export function programOf(argv: readonly string[]): string {
  const base = (p: string | undefined) => p?.split('/').pop() ?? '';
  const exe = base(argv[0]);
  if (exe !== 'node' || argv.includes('-e') || argv.includes('--eval')) return exe;
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  return script ? base(script).replace(/\.[cm]?js$/, '') : exe;
}
