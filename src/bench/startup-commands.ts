// The CLI rows of the startup bench: every program timed in every round (wall time of a
// spawnSync, output to /dev/null), the order rotated from round to round, so drift of this
// shared machine and any cost of going first or after a given program fall on all of them.
import { spawnSync } from 'node:child_process';
import { errorLine } from './docker-cli.ts';

export interface Program {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

/** `warmup` untimed rounds then `n` timed ones; a program that fails once is not run again and
 * its error stands in for its samples. Samples of round i are at index i for every program. */
export function sampleRounds(programs: readonly Program[], n: number, warmup: number, interrupted: () => boolean = () => false): Map<string, number[] | Error> {
  const results = new Map<string, number[] | Error>(programs.map((p) => [p.name, []]));
  for (let round = 0; round < warmup + n && !interrupted(); round++) {
    for (let k = 0; k < programs.length; k++) {
      const program = programs[(round + k) % programs.length]!;
      const got = results.get(program.name);
      if (got instanceof Error) continue;
      try {
        const ms = timeOnce(program);
        if (round >= warmup) got!.push(ms);
      } catch (err) {
        results.set(program.name, err as Error);
      }
    }
  }
  return results;
}

/** One run's wall time in ms; a non-zero exit is an error with the program's last stderr line. */
export function timeOnce(p: Program): number {
  const t0 = performance.now();
  const r = spawnSync(p.argv[0]!, p.argv.slice(1), { env: p.env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    const why = r.error?.message ?? errorLine(r.stderr);
    throw new Error(`${p.argv.join(' ')} exited with ${r.status ?? r.signal}: ${why}`);
  }
  return ms;
}
