// The processes of one daemon daemon-footprint.ts measures, and what they use: found through
// /proc (parent links, and command lines naming the run's directory), read from /proc too.
import { readFileSync, readdirSync } from 'node:fs';
import { smapsRollupMiB } from './daemons.ts';

/** The daemon, its descendants, and every process naming `dir` (detached helpers). */
export function treeOf(root: number, dir: string): number[] {
  const parent = new Map<number, number>();
  const naming = new Set<number>();
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      parent.set(pid, Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]));
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) naming.add(pid);
    } catch {
      // exited while we looked
    }
  }
  const tree = new Set<number>([root, ...naming]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (tree.has(ppid) && !tree.has(pid)) tree.add(pid), (grew = true);
  }
  // unshare execs the daemon, so `root` is the daemon itself.
  return [...tree];
}

/** CPU time the daemon's tree has used: its live processes', and (through the root's cutime
 * and cstime) that of the helpers it ran and reaped. On a busy machine the wall-clock start is
 * mostly waiting for a core; this is what the start itself costs. */
export function cpuTimeMs(root: number, pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      // Fields 14-17 of stat (utime stime cutime cstime) are 11-14 after the command.
      ticks += Number(f[11]) + Number(f[12]) + (pid === root ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      // exited while we looked
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

export function anonMiB(pids: number[]): number {
  return smapsRollupMiB(pids, 'Anonymous');
}
