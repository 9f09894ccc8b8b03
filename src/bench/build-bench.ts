// The build bench: berthd and Debian's dockerd 20.10 (its classic builder) side by side in the
// same run, both driven by the real docker CLI with DOCKER_BUILDKIT=0, both given the same
// busybox image. The goals: a 10-step Dockerfile cold ≤ 1/2 of dockerd's time, fully
// cached ≤ 1/3, and a two-stage build whose independent stages run concurrently (wall time
// below the sum of the stages). Prints measure | berthd | dockerd | ratio | target and writes
// the same as JSON. Run with `scripts/bench build` (or `BENCH_ONLY=build scripts/bench`, or
// `make bench`); never part of `make test`. BENCH_N sets the samples (default 5: builds take
// seconds); BENCH_ONLY, other than "build", runs only the steps whose name contains it.
// RUN steps get no network on either daemon (berthd --bridge none, dockerd --bridge=none).
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { busyboxRootfs } from '../testing/busybox.ts';
import { startBerthd, startDockerd, type Engine } from './daemons.ts';
import { cliFor, docker, tearDownBench, type Cli } from './docker-cli.ts';
import { formatTable, resultsJson, tableRows, type Measure } from './report.ts';
import { cliFloor, tenStepsCached, tenStepsCachedApi, tenStepsCold, twoStages, writeContexts, type Contexts } from './build-timings.ts';

const N = Number(process.env.BENCH_N) || 5;
const ONLY = process.env.BENCH_ONLY === 'build' ? undefined : process.env.BENCH_ONLY;
const RESULTS = process.env.BENCH_RESULTS || join('bench-results', `build-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

// Ctrl-C lets the current step finish, skips the rest, and still cleans up.
let interrupted = false;
const onSignal = () => {
  interrupted = true;
  console.error('interrupted: cleaning up after the current step');
};
process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

function steps(clis: Cli[], ctx: Contexts): [string, () => Measure[] | Measure][] {
  return [
    [`10-step build cold × ${N}`, () => tenStepsCold(clis, N, ctx)],
    [`10-step build cached × ${N}`, () => tenStepsCached(clis, N, ctx)],
    [`10-step build cached over the API × ${N}`, () => tenStepsCachedApi(clis, N, ctx)],
    [`the CLI's floor × ${N}`, () => cliFloor(clis, N, ctx)],
    [`two-stage build × ${N}`, () => twoStages(clis, N, ctx)],
  ];
}

async function prepare(dir: string, engines: Engine[]): Promise<Cli[]> {
  const configDir = join(dir, 'docker-config');
  mkdirSync(configDir);
  // The classic builder (POST /build) on both: the CLI here has no buildx anyway.
  const clis = engines.map((e) => cliFor(e, configDir)).map((c) => ({ ...c, env: { ...c.env, DOCKER_BUILDKIT: '0' } }));
  const tar = join(dir, 'busybox.tar');
  await pipeline(busyboxRootfs(), createWriteStream(tar));
  for (const cli of clis) docker(cli, ['import', '-c', 'CMD ["sh"]', tar, 'busybox']);
  return clis;
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
    clis = await prepare(dir, engines);
    const ctx = writeContexts(dir);
    const context = {
      date: new Date().toISOString(),
      cores: cpus().length,
      loadavgBefore: loadavg(),
      n: N,
      client: docker(clis[0]!, ['version', '--format', '{{.Client.Version}}']).trim(),
      servers: Object.fromEntries(clis.map((c) => [c.engine.name, docker(c, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim()])),
    };
    const measures: Measure[] = [];
    for (const [name, step] of steps(clis, ctx)) {
      if (interrupted) break;
      if (ONLY && !name.includes(ONLY)) continue;
      console.error(`==> ${name}`);
      try {
        measures.push(...[step()].flat());
      } catch (err) {
        console.error(`    ${name} failed: ${(err as Error).message}`);
      }
    }
    console.log(`\nbuild bench: berthd vs dockerd ${context.servers.dockerd ?? '(absent)'} (classic builder), docker CLI ${context.client}, ${context.cores} cores, load ${context.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log(formatTable(tableRows(measures)));
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, resultsJson(measures, { ...context, loadavgAfter: loadavg() }));
    console.log(`\nresults: ${RESULTS}`);
  } finally {
    await tearDownBench(clis, engines, dir);
  }
}

await main();
