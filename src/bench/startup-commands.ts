// The CLI rows of the startup bench: every program timed in every round, the order rotated from
// round to round, so drift of this shared machine and any cost of going first or after a given
// program fall on all of them. Each run gives its wall time and its CPU time (user + system, from
// wait4's rusage, in µs): on a machine that others load, the wall time swings with their load
// while the CPU time mostly does not. Python's os.wait4 is the one way to that rusage from here
// (Node reports only its own); its fork-to-reap window leaves Python's own start out of the time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { errorLine } from './docker-cli.ts';

export interface Program {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface Timing {
  wallMs: number;
  /** undefined where Debian's python3 is missing: wall time only, from Node. */
  cpuMs?: number;
}

export type Samples = { wallMs: number[]; cpuMs: number[] } | Error;

/** `warmup` untimed rounds then `n` timed ones; a program that fails once is not run again and
 * its error stands in for its samples. Samples of round i are at index i for every program. */
export function sampleRounds(programs: readonly Program[], n: number, warmup: number, interrupted: () => boolean = () => false): Map<string, Samples> {
  const results = new Map<string, Samples>(programs.map((p) => [p.name, { wallMs: [], cpuMs: [] }]));
  for (let round = 0; round < warmup + n && !interrupted(); round++) {
    for (let k = 0; k < programs.length; k++) {
      const program = programs[(round + k) % programs.length]!;
      const got = results.get(program.name);
      if (got instanceof Error) continue;
      try {
        const t = timeOnce(program);
        if (round < warmup) continue;
        got!.wallMs.push(t.wallMs);
        if (t.cpuMs !== undefined) got!.cpuMs.push(t.cpuMs);
      } catch (err) {
        results.set(program.name, err as Error);
      }
    }
  }
  return results;
}

/** Not pyenv's shim or any other python on PATH: a shim may change PATH, and so which node runs. */
const PYTHON = '/usr/bin/python3';

// Forks, execs argv with stdout on /dev/null (stderr stays the pipe), reaps it with wait4, and
// prints "<wall ms> <cpu ms>"; exits with the child's status.
const WAIT4 = `
import os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open('/dev/null', os.O_WRONLY), 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as e:
        print(e, file=sys.stderr)
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
print('%.3f %.3f' % (wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000))
sys.exit(os.waitstatus_to_exitcode(status) & 255)
`;

/** One run's wall and CPU time in ms; a non-zero exit is an error with the program's error line. */
export function timeOnce(p: Program): Timing {
  if (!existsSync(PYTHON)) return { wallMs: timeWall(p) };
  const r = spawnSync(PYTHON, ['-c', WAIT4, ...p.argv], { env: p.env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw failed(p, r.status ?? r.signal, r.error?.message ?? errorLine(r.stderr));
  const [wallMs, cpuMs] = r.stdout.trim().split(' ').map(Number);
  return { wallMs: wallMs!, cpuMs: cpuMs! };
}

function timeWall(p: Program): number {
  const t0 = performance.now();
  const r = spawnSync(p.argv[0]!, p.argv.slice(1), { env: p.env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw failed(p, r.status ?? r.signal, r.error?.message ?? errorLine(r.stderr));
  return ms;
}

const failed = (p: Program, code: unknown, why: string) => new Error(`${p.argv.join(' ')} exited with ${code}: ${why}`);
