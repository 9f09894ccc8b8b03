// The timed builds of the build bench, each a real `docker build` (classic builder) against
// both daemons, engines taking turns sample by sample (sampling.ts). The contexts are written
// once into the bench directory by writeContexts().
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

/** Two stages that need nothing from each other, each a 1 s RUN, and a final stage of both. */
const TWO_STAGES = `FROM busybox AS a
RUN sleep 1 && echo a > /a
FROM busybox AS b
RUN sleep 1 && echo b > /b
FROM busybox
COPY --from=a /a /a
COPY --from=b /b /b
`;
const STAGE_ALONE = (name: string) => `FROM busybox\nRUN sleep 1 && echo ${name} > /${name}\n`;
/** What every build pays whatever it does (the CLI, the context, FROM): counted once in a wall time. */
const EMPTY = 'FROM busybox\n';

export interface Contexts {
  tenSteps: string;
  stages: string;
}

export function writeContexts(dir: string): Contexts {
  const tenSteps = join(dir, 'ctx-ten-steps');
  mkdirSync(join(tenSteps, 'dir'), { recursive: true });
  writeFileSync(join(tenSteps, 'Dockerfile'), TEN_STEPS);
  writeFileSync(join(tenSteps, 'a.txt'), 'a\n'.repeat(50_000));
  writeFileSync(join(tenSteps, 'b.txt'), 'b\n');
  for (let i = 0; i < 20; i++) writeFileSync(join(tenSteps, 'dir', `f${i}.txt`), `file ${i}\n`.repeat(100));
  const stages = join(dir, 'ctx-stages');
  mkdirSync(stages);
  writeFileSync(join(stages, 'Dockerfile'), TWO_STAGES);
  writeFileSync(join(stages, 'a.Dockerfile'), STAGE_ALONE('a'));
  writeFileSync(join(stages, 'b.Dockerfile'), STAGE_ALONE('b'));
  writeFileSync(join(stages, 'empty.Dockerfile'), EMPTY);
  return { tenSteps, stages };
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

/**
 * The two-stage build against its stages built one by one: the sum of the stages is the two
 * stage-alone builds less one empty build (the per-build cost a single build pays once). A
 * builder that runs independent stages concurrently has a wall time below that sum.
 */
export function twoStages(clis: Cli[], n: number, ctx: Contexts): Measure[] {
  const f = (file: string) => (cli: Cli) => build(cli, ['--no-cache', '-f', join(ctx.stages, file), ctx.stages]);
  const wall = sampleInterleaved(clis, n, 1, f('Dockerfile'));
  const a = sampleInterleaved(clis, n, 1, f('a.Dockerfile'));
  const b = sampleInterleaved(clis, n, 1, f('b.Dockerfile'));
  const empty = sampleInterleaved(clis, n, 1, f('empty.Dockerfile'));
  const sums: PerEngine = new Map();
  const over: PerEngine = new Map();
  const wallFigures = figures(wall, median);
  for (const cli of clis) {
    const name: EngineName = cli.engine.name;
    const parts = [a.get(name), b.get(name), empty.get(name)];
    const failed = parts.find((p): p is Error => p instanceof Error);
    if (failed) {
      sums.set(name, { error: failed.message });
      over.set(name, { error: failed.message });
      continue;
    }
    const [ta, tb, te] = parts.map((p) => median(p as number[])) as [number, number, number];
    const sum: Figure = { value: ta + tb - te, note: `${ta.toFixed(0)} + ${tb.toFixed(0)} − ${te.toFixed(0)}` };
    sums.set(name, sum);
    const w = wallFigures.get(name);
    over.set(name, w?.value === undefined ? { error: w?.error ?? 'not measured' } : { value: w.value - sum.value! });
  }
  return [
    measureOf('build_two_stages_wall', 'build, two independent stages (RUN sleep 1 each), --no-cache, median', 'ms', wallFigures),
    measureOf('build_two_stages_sum', '  the two stages built alone, summed (less one empty build)', 'ms', sums),
    measureOf('build_two_stages_over_sum', '  wall − sum of the stages (below 0: concurrent stages)', 'ms', over, { max: 0, text: '0 ms', absolute: true }),
  ];
}
