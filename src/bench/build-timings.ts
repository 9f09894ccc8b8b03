// The timed builds of the build bench, each a real `docker build` (classic builder) against
// both daemons, engines taking turns sample by sample (sampling.ts). The contexts are written
// once into the bench directory by writeContexts().
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timeDocker, type Cli } from './docker-cli.ts';
import type { Figure, Measure } from './report.ts';
import { figures, measureOf, sampleInterleaved, type EngineName, type PerEngine } from './sampling.ts';
import { median } from './stats.ts';

/** FROM and 10 steps: 5 RUN, 3 COPY, 2 metadata (ENV, LABEL), as the goal says. */
const TEN_STEPS = `FROM busybox
ENV APP=/app
COPY a.txt /app/a.txt
RUN cat /app/a.txt > /app/a.out
COPY dir/ /app/dir/
RUN ls -l /app/dir > /app/list
COPY b.txt /app/b.txt
RUN echo built > /app/built
RUN wc -c /app/a.out /app/b.txt
RUN sort /app/list > /app/list.sorted
LABEL bench=build
`;

/** Two stages that need nothing from each other, each a 1 s RUN, and a final stage of both;
 * with bFrom = "a" the same work chained, which every builder does one stage after the other. */
const TWO_STAGES = (bFrom: string) => `FROM busybox AS a
RUN sleep 1 && echo a > /a
FROM ${bFrom} AS b
RUN sleep 1 && echo b > /b
FROM busybox
COPY --from=a /a /a
COPY --from=b /b /b
`;

export interface Contexts {
  tenSteps: string;
  /** The same context as a tar, for the API row. */
  tenStepsTar: string;
  stages: string;
}

export function writeContexts(dir: string): Contexts {
  const tenSteps = join(dir, 'ctx-ten-steps');
  mkdirSync(join(tenSteps, 'dir'), { recursive: true });
  writeFileSync(join(tenSteps, 'Dockerfile'), TEN_STEPS);
  writeFileSync(join(dir, 'from-only.Dockerfile'), 'FROM busybox\n');
  writeFileSync(join(tenSteps, 'a.txt'), 'a\n'.repeat(50_000));
  writeFileSync(join(tenSteps, 'b.txt'), 'b\n');
  for (let i = 0; i < 20; i++) writeFileSync(join(tenSteps, 'dir', `f${i}.txt`), `file ${i}\n`.repeat(100));
  const stages = join(dir, 'ctx-stages');
  mkdirSync(stages);
  writeFileSync(join(stages, 'Dockerfile'), TWO_STAGES('busybox'));
  // The same work with b built on a: one after the other on any builder, the sum of the stages.
  writeFileSync(join(stages, 'chained.Dockerfile'), TWO_STAGES('a'));
  const tar = join(dir, 'ctx-ten-steps.tar');
  execFileSync('tar', ['-cf', tar, '-C', tenSteps, '.']);
  return { tenSteps, tenStepsTar: tar, stages };
}

const build = (cli: Cli, args: string[]) => timeDocker(cli, ['build', ...args]);

export function tenStepsCold(clis: Cli[], n: number, ctx: Contexts): Measure {
  const results = sampleInterleaved(clis, n, 1, (cli) => build(cli, ['--no-cache', '-t', 'bench:ten', ctx.tenSteps]));
  return measureOf('build_10_steps_cold', 'build, 10 steps (5 RUN, 3 COPY, 2 metadata), --no-cache, median', 'ms', figures(results, median), { max: 1 / 2, text: '1/2' });
}

export function tenStepsCached(clis: Cli[], n: number, ctx: Contexts): Measure {
  // The first (untimed) build fills the cache; every timed one takes all 10 steps from it.
  const results = sampleInterleaved(clis, n, 1, (cli) => build(cli, ['-t', 'bench:ten', ctx.tenSteps]));
  return measureOf('build_10_steps_cached', 'build, the same 10 steps fully cached, median', 'ms', figures(results, median), { max: 1 / 3, text: '1/3' });
}

/** The cached build over the API alone (q=1, no tag): the request's own time as curl measures it
 * (time_total: no process start), what the daemon takes without the CLI's fixed cost. */
export function tenStepsCachedApi(clis: Cli[], n: number, ctx: Contexts): Measure {
  const results = sampleInterleaved(clis, n, 1, (cli) => {
    const args = ['-sf', '-o', '/dev/null', '-w', '%{time_total}', '--unix-socket', cli.engine.sock, '-X', 'POST', '-H', 'Content-Type: application/x-tar', '--data-binary', `@${ctx.tenStepsTar}`, 'http://d/v1.41/build?q=1'];
    const r = spawnSync('curl', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`curl POST /build exited with ${r.status}: ${r.stderr}`);
    return Number(r.stdout) * 1000;
  });
  return measureOf('build_10_steps_cached_api', '  the same over the API (POST /build?q=1, curl time_total), median', 'ms', figures(results, median));
}

/** The docker CLI's fixed cost of a build, the floor under the cached row: a Dockerfile of
 * only `FROM busybox` (nothing to build, nothing to cache), through the same CLI. */
export function cliFloor(clis: Cli[], n: number, ctx: Contexts): Measure {
  const results = sampleInterleaved(clis, n, 1, (cli) => build(cli, ['-t', 'bench:floor', '-f', join(ctx.tenSteps, '..', 'from-only.Dockerfile'), ctx.tenSteps]));
  return measureOf('build_cli_floor', '  the CLI\'s floor: docker build of FROM busybox alone, median', 'ms', figures(results, median));
}

/**
 * The two-stage build against the same stages one after the other (b built on a, which any
 * builder must build in turn): a builder that runs independent stages concurrently finishes
 * the first below the second, the sum of the stages.
 */
export function twoStages(clis: Cli[], n: number, ctx: Contexts): Measure[] {
  const f = (file: string) => (cli: Cli) => build(cli, ['--no-cache', '-f', join(ctx.stages, file), ctx.stages]);
  // Both builds in every round, engines in turn, so that load falls on all four alike; the
  // chained times go aside (the warm-up round's first), the independent ones are the samples.
  const chained = new Map<EngineName, number[]>(clis.map((c) => [c.engine.name, []]));
  const walls = sampleInterleaved(clis, n, 1, (cli) => {
    const wall = f('Dockerfile')(cli);
    chained.get(cli.engine.name)!.push(f('chained.Dockerfile')(cli));
    return wall;
  });
  const sums = new Map<EngineName, number[] | Error>();
  const over: PerEngine = new Map();
  for (const cli of clis) {
    const name = cli.engine.name;
    const w = walls.get(name)!;
    if (w instanceof Error) {
      sums.set(name, w);
      over.set(name, { error: w.message });
      continue;
    }
    const s = chained.get(name)!.slice(1);
    sums.set(name, s);
    over.set(name, { value: median(w) - median(s) } satisfies Figure);
  }
  return [
    measureOf('build_two_stages_wall', 'build, two independent stages (RUN sleep 1 each), --no-cache, median', 'ms', figures(walls, median)),
    measureOf('build_two_stages_sum', '  the same stages one after the other (b FROM a), median', 'ms', figures(sums, median)),
    measureOf('build_two_stages_over_sum', '  wall − sum of the stages (below 0: concurrent stages)', 'ms', over, { max: 0, text: '0 ms', absolute: true }),
  ];
}
