// The container bench: berthd and Debian's dockerd 20.10 side by side in the same run, both
// driven by the real docker CLI, both given the same busybox image (the host's static busybox,
// imported). Prints measure | berthd | dockerd | ratio | target and writes the same as JSON.
// Run with `scripts/bench containers` (or `make bench`); never part of `make test`.
// BENCH_N sets the sample count of the sequential measures (default 20); BENCH_RESULTS the file;
// BENCH_ONLY a step to run alone (e.g. BENCH_ONLY=bridge: the network rows).
// The daemons get networks of the bench's own (bench-networks.ts), removed at the end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryPerContainer } from './container-memory.ts';
import { logs } from './container-logs.ts';
import { create, exec, parallelRuns, psAll, runRm } from './container-timings.ts';
import { berthdRoots, startBerthd, startDockerd, type Engine } from './daemons.ts';
import { makeBenchNetworks, type BenchNetworks } from './bench-networks.ts';
import { publishedPort, runRmBridge } from './network-timings.ts';
import { apiRunRm } from './api-runs.ts';
import { apiPing } from './api-ping.ts';
import { portThroughput } from './port-throughput.ts';
import { composeUpDown, writeComposeProject } from './compose-timings.ts';
import { tearDownBench, type Cli } from './docker-cli.ts';
import { benchClis, resultsPath, runBench, type BenchStep } from './bench-run.ts';

const N = Number(process.env.BENCH_N) || 20;
/** Runs only the steps whose name contains this (e.g. BENCH_ONLY=memory), for working on one. */
const ONLY = process.env.BENCH_ONLY;
const RESULTS = resultsPath('containers');
/** A 1 GiB transfer takes seconds here: fewer samples than the quick rows. */
const THROUGHPUT_N = Math.max(3, Math.round(N / 4));

function steps(clis: Cli[], nets: BenchNetworks, dir: string): BenchStep[] {
  const inNs = { dockerd: ['nsenter', `--net=/run/netns/${nets.dockerd.netns}`, '--'] };
  return [
    [`_ping × ${N * 10}`, () => apiPing(clis, N * 10)],
    [`run --rm × ${N}`, () => runRm(clis, N)],
    [`run --rm on the bridge and with none × ${N}`, () => runRmBridge(clis, N, { notes: { dockerd: 'NAT (iptables) in its own netns' }, prefixes: { berthd: prefix24(nets.berthd.bip), dockerd: prefix24(nets.dockerd.bip) } })],
    [`run --rm over the API on the bridge and with none × ${N}`, () => apiRunRm(clis, N)],
    [`published port (bridge) × ${Math.max(5, Math.round(N / 2))}`, () => publishedPort(clis, Math.max(5, Math.round(N / 2)), inNs)],
    [`published port throughput, 1 GiB × ${THROUGHPUT_N}`, () => portThroughput(clis, THROUGHPUT_N, inNs)],
    [`create × ${N}`, () => create(clis, N)],
    [`exec × ${N}`, () => exec(clis, N)],
    ['20 parallel run --rm × 3', () => parallelRuns(clis, 3, 20)],
    ['memory of 50 idle containers × 3', () => memoryPerContainer(clis, 3, 50, dir)],
    [`ps -a with 200 containers × ${N}`, () => psAll(clis, N, 200)],
    ['logs of a 200k-line log', () => logs(clis, N, Math.max(3, Math.round(N / 4)), 200_000)],
    [`docker-compose up -d and down × ${Math.max(3, Math.round(N / 2))}`, () => composeUpDown(clis, Math.max(3, Math.round(N / 2)), writeComposeProject(dir))],
  ];
}

const prefix24 = (bip: string) => bip.replace(/\d+\/24$/, '');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-container-bench-'));
  const engines: Engine[] = [];
  let clis: Cli[] = [];
  let nets: BenchNetworks | undefined;
  try {
    nets = await makeBenchNetworks();
    engines.push(await startBerthd(dir, { net: nets.berthd }));
    const dockerd = await startDockerd(dir, { net: nets.dockerd });
    if (dockerd) engines.push(dockerd);
    else console.log('dockerd is not installed (apt-get install docker.io): berthd figures only');
    clis = await benchClis(dir, engines);
    await runBench({ clis, n: N, steps: steps(clis, nets, dir), only: ONLY, title: 'container bench: berthd vs dockerd {dockerd}', results: RESULTS });
  } finally {
    await tearDownBench(clis, engines, dir, async () => {
      const left = await nets?.remove(berthdRoots(dir));
      if (left?.length) console.error(`removed what berthd keeps for live-restore: ${left.join(', ')}`);
    });
  }
}

await main();
