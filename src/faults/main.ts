// `make test-faults`: berthd under faults, for CI (not part of `make test`; ~20 minutes at a
// load of 20 on 2 cores, services ~10 of them; each phase says its time). Phases (--only picks
// some), each run by runPhase (phase.ts); 74 SIGKILLs in all by default (services 50,
// containers 24):
//   services (service-phase.ts, service-loop.ts): berthd with a bridge of its own SIGKILLed at
//      random moments during network create/connect/disconnect/rm, runs with a copied-up volume,
//      with a published port or on a user network, builds, and push and pull against a loopback
//      registry; after each restart also no bridge, veth, netns, nft chain, berth-dns or build
//      container left for nothing, and in each running container's namespace exactly its
//      endpoints (kernel-leftovers.ts, service-checks.ts);
//   runtime (runtime-faults.ts): a runtime failing create/start, a conmon killed, the OOM killer;
//   disk (disk-full.ts): the data-root's file system full, then freed;
//   containers: 1. a SIGKILL loop (kill-loop.ts): berthd killed at random moments during
//      create, start, rm, import and tag, and started again on the same directories each time;
//   2. removals that land on exits (exit-race.ts): 10 clients, each container removed the
//      moment its `true` has exited;
//   3. a mixed concurrent load (load.ts): ~30 clients doing create/start/stop/rm -f/top/logs/
//      inspect/list for a bounded time;
// each followed by the same checks (checks.ts, ledger.ts): the daemon comes back, nothing it
// acknowledged is lost, no half-made object is visible, no mount, monitor or cgroup is left for
// containers that are gone. Prints the latency of GET /containers/json under the load
// (p50/p99; a figure to compare runs by, never asserted). Exits 1 on any finding.
//
//   node dist/faults/main.js [--kills 24] [--kill-clients 4] [--clients 30] [--load-seconds 60]
//     [--service-kills 50] [--service-clients 3] [--runtime-runs 8] [--only services,runtime,disk,containers]
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMissing, missing, RUNS_CONTAINERS } from '../testing/prerequisites.ts';
import { FaultDaemon } from './fault-daemon.ts';
import type { Tally } from './stats.ts';
import type { PhaseIo } from './phase.ts';
import { servicePhase } from './service-phase.ts';
import { runtimePhase } from './runtime-faults.ts';
import { diskPhase } from './disk-full.ts';
import { containersPhase } from './containers-phase.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '24' },
    'kill-clients': { type: 'string', default: '4' },
    clients: { type: 'string', default: '30' },
    'load-seconds': { type: 'string', default: '60' },
    'service-kills': { type: 'string', default: '50' },
    'service-clients': { type: 'string', default: '3' },
    'runtime-runs': { type: 'string', default: '8' },
    /** Phases to run (comma-separated): containers (the first three), services, runtime, disk. */
    only: { type: 'string', default: 'containers,services,runtime,disk' },
    'timeout-minutes': { type: 'string', default: '40' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  // As scripts/test's preflight: a machine without what containers need fails at once, by name.
  const gone = missing(RUNS_CONTAINERS);
  if (gone.length) return say(`test-faults: this machine lacks what it needs:\n${describeMissing(gone)}`), 1;
  const abandon = (why: string) => {
    say(`test-faults: ${why}`);
    void Promise.allSettled([...FaultDaemon.live].map((d) => d.teardown())).finally(() => process.exit(1));
  };
  const watchdog = setTimeout(() => abandon(`not done within ${values['timeout-minutes']} minutes`), Number(values['timeout-minutes']) * 60_000);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abandon(`stopped by ${sig}`));
  // A bug of the run itself must not leave daemons, containers and bridges behind either.
  process.once('uncaughtException', (err) => abandon(`stopped by an uncaught error: ${err.stack ?? err}`));
  watchdog.unref();
  const phases = new Set(values.only.split(','));
  const io: PhaseIo = { say, printTally, settle, keepLog };
  const n = (k: keyof typeof values) => Number(values[k]);
  // Each phase tears its daemon down and turns an error that stops it into a finding (phase.ts).
  const findings: string[] = [];
  if (phases.has('services')) findings.push(...(await servicePhase({ iterations: n('service-kills'), clients: n('service-clients') }, io)));
  if (phases.has('runtime')) findings.push(...(await runtimePhase({ runs: n('runtime-runs') }, io)));
  if (phases.has('disk')) findings.push(...(await diskPhase(io)));
  if (phases.has('containers')) findings.push(...(await containersPhase({ kills: n('kills'), killClients: n('kill-clients'), clients: n('clients'), loadSeconds: n('load-seconds') }, io)));
  clearTimeout(watchdog);
  return report(findings);
}

/** Repeats check until it finds nothing or ms have passed; the last findings. */
async function settle(check: () => Promise<string[]>, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function keepLog(fd: FaultDaemon): void {
  const file = join(tmpdir(), `${basename(fd.dir)}.log`);
  writeFileSync(file, fd.log);
  say(`berthd's logs: ${file}`);
}

function report(findings: string[]): number {
  if (findings.length === 0) {
    say('test-faults: no findings');
    return 0;
  }
  say(`test-faults: ${findings.length} findings`);
  for (const f of findings) say(`  ${f}`);
  return 1;
}

function printTally(t: Tally): void {
  say(`  ${t.total} operations: ${t.entries().map(([k, n]) => `${k} ×${n}`).join(', ')}`);
}

process.exitCode = await main();
