// The build bench: berthd and Debian's dockerd 20.10 (its classic builder) side by side in the
// same run, both driven by the real docker CLI with DOCKER_BUILDKIT=0, both given the same
// busybox image. The goals: a 10-step Dockerfile cold ≤ 1/2 of dockerd's time, fully
// cached ≤ 1/3, and a two-stage build whose independent stages run concurrently (wall time
// below the sum of the stages). Prints measure | berthd | dockerd | ratio | target and writes
// the same as JSON. Run with `scripts/bench build` (or `BENCH_ONLY=build scripts/bench`, or
// `make bench`); never part of `make test`. BENCH_N sets the samples (default 5: builds take
// seconds); BENCH_ONLY, other than "build", runs only the steps whose name contains it.
// RUN steps get no network on either daemon (berthd --bridge none, dockerd --bridge=none).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, startDockerd, type Engine } from './daemons.ts';
import { tearDownBench, type Cli } from './docker-cli.ts';
import { cliFloor, tenStepsCached, tenStepsCachedApi, tenStepsCold, twoStages, writeContexts, type Contexts } from './build-timings.ts';
import { benchClis, resultsPath, runBench, type BenchStep } from './bench-run.ts';

const N = Number(process.env.BENCH_N) || 5;
const ONLY = process.env.BENCH_ONLY === 'build' ? undefined : process.env.BENCH_ONLY;
const RESULTS = resultsPath('build');

function steps(clis: Cli[], ctx: Contexts): BenchStep[] {
  return [
    [`10-step build cold × ${N}`, () => tenStepsCold(clis, N, ctx)],
    [`10-step build cached × ${N}`, () => tenStepsCached(clis, N, ctx)],
    [`10-step build cached over the API × ${N}`, () => tenStepsCachedApi(clis, N, ctx)],
    [`the CLI's floor × ${N}`, () => cliFloor(clis, N, ctx)],
    [`two-stage build × ${N}`, () => twoStages(clis, N, ctx)],
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-build-bench-'));
  const engines: Engine[] = [];
  let clis: Cli[] = [];
  try {
    engines.push(await startBerthd(dir));
    const dockerd = await startDockerd(dir);
    if (dockerd) engines.push(dockerd);
    else console.log('dockerd is not installed (apt-get install docker.io): berthd figures only');
    // The classic builder (POST /build) on both: the CLI here has no buildx anyway.
    clis = await benchClis(dir, engines, { DOCKER_BUILDKIT: '0' });
    const ctx = writeContexts(dir);
    await runBench({ clis, n: N, steps: steps(clis, ctx), only: ONLY, title: 'build bench: berthd vs dockerd {dockerd} (classic builder)', results: RESULTS });
  } finally {
    await tearDownBench(clis, engines, dir);
  }
}

await main();
