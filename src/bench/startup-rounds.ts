// The daemon rows of the startup bench, round by round: in each round every daemon (berthd,
// dockerd, and a bare Node server as the floor) is started in turn (order rotated), timed to
// its first /_ping, left idle ~3 s, its whole process tree's RSS and PSS read, and stopped.
// The same data directories serve every round; a first, untimed round creates them, so each
// timed start is a restart (as after a reboot), not a first-ever initialisation.
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree, startTimed, treeMemory } from './startup-daemons.ts';
import { stopChild } from './daemons.ts';

export interface DaemonSpec {
  name: string;
  argv: string[];
  sock: string;
  logFile: string;
  /** What the daemon itself says its start took, read from its log (berthd's `ms=`). */
  selfReportedMs?: (log: string) => number | undefined;
}

export interface DaemonSamples {
  readyMs: number[];
  rssMiB: number[];
  pssMiB: number[];
  selfReportedMs: number[];
  /** Every program seen in its tree (e.g. dockerd, containerd). */
  programs: Set<string>;
  error?: string;
}

export async function daemonRounds(specs: readonly DaemonSpec[], o: { n: number; warmup: number; idleMs: number; interrupted: () => boolean }): Promise<Map<string, DaemonSamples>> {
  const out = new Map(specs.map((s) => [s.name, { readyMs: [], rssMiB: [], pssMiB: [], selfReportedMs: [], programs: new Set<string>() } as DaemonSamples]));
  for (let round = 0; round < o.warmup + o.n && !o.interrupted(); round++) {
    for (let k = 0; k < specs.length && !o.interrupted(); k++) {
      const spec = specs[(round + k) % specs.length]!;
      const got = out.get(spec.name)!;
      if (got.error) continue;
      try {
        const one = await oneStart(spec, o.idleMs);
        if (round < o.warmup) continue;
        got.readyMs.push(one.readyMs);
        got.rssMiB.push(one.rssMiB);
        got.pssMiB.push(one.pssMiB);
        if (one.selfReportedMs !== undefined) got.selfReportedMs.push(one.selfReportedMs);
        for (const p of one.programs) got.programs.add(p);
      } catch (err) {
        got.error = (err as Error).message;
      }
    }
  }
  return out;
}

async function oneStart(spec: DaemonSpec, idleMs: number) {
  // A socket left by the last round's start would answer nothing and could fail the bind.
  rmSync(spec.sock, { force: true });
  const d = await startTimed(spec.argv, spec.sock, spec.logFile);
  try {
    await sleep(idleMs);
    const selfReportedMs = spec.selfReportedMs?.(readFileSync(spec.logFile, 'utf8').slice(-65536));
    return { readyMs: d.readyMs, selfReportedMs, ...treeMemory(processTree(d.child.pid!)) };
  } finally {
    await stopChild(d.child);
  }
}

/** A Node server with node:sqlite and node:http loaded (an in-memory database open) that
 * answers /_ping on a unix socket: what any Node daemon costs before its own code. */
export function bareNodeArgv(node: string, sock: string): string[] {
  const code = [
    "const { DatabaseSync } = require('node:sqlite');",
    "const http = require('node:http');",
    "const db = new DatabaseSync(':memory:');",
    "http.createServer((req, res) => res.end('OK')).listen(process.argv[1]);",
  ].join(' ');
  return [node, '-e', code, sock];
}

/** berthd's own figure: main() to listening, in its last "completed initialization" line. What
 * it leaves out of the start to /_ping is node's start and the loading of berthd's modules. */
export function berthdInitMs(log: string): number | undefined {
  const lines = log.split('\n').filter((l) => l.includes('Daemon has completed initialization'));
  const ms = / ms=(\d+)/.exec(lines.at(-1) ?? '')?.[1];
  return ms === undefined ? undefined : Number(ms);
}
