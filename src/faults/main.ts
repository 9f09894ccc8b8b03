// `make test-faults`: berthd under faults, for CI (not part of `make test`; ~6 minutes on a quiet
// machine, ~11 with a load of 14 on 2 cores). Phases (--only picks some):
//   services (service-phase.ts, service-loop.ts): berthd with a bridge of its own SIGKILLed at
//      random moments during network create/connect/disconnect/rm, runs with a copied-up volume,
//      with a published port or on a user network, builds, and push and pull against a loopback
//      registry; after each restart also no bridge, veth, netns, nft chain, berth-dns or build
//      container left for nothing (kernel-leftovers.ts, service-checks.ts);
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
import { busyboxRootfs } from '../testing/busybox.ts';
import { describeMissing, missing, RUNS_CONTAINERS } from '../testing/prerequisites.ts';
import { importImage } from '../testing/api.ts';
import type { BerthClient } from '../client/index.ts';
import { FaultDaemon } from './fault-daemon.ts';
import { killLoop } from './kill-loop.ts';
import { mixedLoad } from './load.ts';
import { exitRace } from './exit-race.ts';
import { checkLeftovers, checkWhole } from './checks.ts';
import { percentile, type Tally } from './stats.ts';
import { servicePhase, type PhaseIo } from './service-phase.ts';
import { runtimePhase } from './runtime-faults.ts';
import { diskPhase } from './disk-full.ts';

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
    'timeout-minutes': { type: 'string', default: '16' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);
/** How long prepared starts hold a created container's monitor and mount, plus slack. */
const PREPARED_SETTLE_MS = 20_000;

async function main(): Promise<number> {
  // As scripts/test's preflight: a machine without what containers need fails at once, by name.
  const gone = missing(RUNS_CONTAINERS);
  if (gone.length) return say(`test-faults: this machine lacks what it needs:\n${describeMissing(gone)}`), 1;
  const fd = new FaultDaemon();
  const findings: string[] = [];
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
  try {
    if (phases.has('services')) findings.push(...(await servicePhase({ iterations: Number(values['service-kills']), clients: Number(values['service-clients']) }, io)));
    if (phases.has('runtime')) findings.push(...(await runtimePhase({ runs: Number(values['runtime-runs']) }, io)));
    if (phases.has('disk')) findings.push(...(await diskPhase(io)));
    if (!phases.has('containers')) return report(findings);
    await fd.start();
    say(`berthd on ${fd.dir}`);
    const image = await importImage(fd.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });

    say(`== SIGKILL loop: ${values.kills} kills, ${values['kill-clients']} clients`);
    const k = await killLoop(fd, { iterations: Number(values.kills), clients: Number(values['kill-clients']), image, say });
    printTally(k.ops);
    findings.push(...k.findings);
    if (k.findings.some((f) => f.includes('did not come back'))) return report(findings);
    findings.push(...(await removeAllAndCheck(fd, k.ledger.seen)).map((f) => `after the SIGKILL loop: ${f}`));

    say('== removals at exits: 10 clients × 15 containers');
    const x = await exitRace(fd.client(), { clients: 10, rounds: 15, image });
    printTally(x.ops);
    findings.push(...x.findings.map((f) => `removals at exits: ${f}`));
    findings.push(...(await removeAllAndCheck(fd, new Set(x.ids))).map((f) => `after the removals at exits: ${f}`));

    say(`== mixed load: ${values.clients} clients for ${values['load-seconds']} s`);
    const l = await mixedLoad(fd.client(), { clients: Number(values.clients), durationMs: Number(values['load-seconds']) * 1000, image });
    printTally(l.ops);
    say(`GET /containers/json?all=1 under load: ${l.listMs.length} lists, p50 ${ms(percentile(l.listMs, 50))}, p99 ${ms(percentile(l.listMs, 99))}, max ${ms(Math.max(...l.listMs))}`);
    findings.push(...l.findings.map((f) => `load: ${f}`));
    const seen = new Set([...k.ledger.seen, ...l.created]);
    findings.push(...(await checkWhole(fd.client(), fd.dataRoot)).map((f) => `after the load: ${f}`));
    // Created containers hold a prepared start (monitor, mount) for 10 s: then it must be gone.
    findings.push(...(await settle(() => checkLeftovers(fd, fd.client(), seen, false), PREPARED_SETTLE_MS)).map((f) => `after the load: ${f}`));
    findings.push(...(await removeAllAndCheck(fd, seen)).map((f) => `after the load: ${f}`));
    return report(findings);
  } catch (err) {
    findings.push(`stopped by: ${(err as Error).stack ?? err}`);
    return report(findings);
  } finally {
    clearTimeout(watchdog);
    // With findings, the daemons' logs are kept for whoever looks into them.
    if (findings.length) keepLog(fd);
    for (const note of await fd.teardown()) say(`teardown: ${note}`);
  }
}

/** rm -f of every container, then nothing may be left of any of them (bounded wait). */
async function removeAllAndCheck(fd: FaultDaemon, seen: ReadonlySet<string>): Promise<string[]> {
  const client: BerthClient = fd.client();
  const findings: string[] = [];
  for (const c of await client.containers.list({ all: true })) await client.containers.remove(c.Id, { force: true }).catch((e: Error) => findings.push(`rm -f ${c.Id.slice(0, 12)}: ${e.message}`));
  findings.push(...(await checkWhole(client, fd.dataRoot)));
  findings.push(...(await settle(() => checkLeftovers(fd, client, seen, false), 10_000)));
  return findings;
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

const ms = (n: number) => `${Math.round(n)} ms`;

process.exitCode = await main();
