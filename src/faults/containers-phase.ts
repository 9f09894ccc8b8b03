// The containers phase of test-faults: 1. a SIGKILL loop (kill-loop.ts) over create, start, rm,
// import and tag; 2. removals that land on exits (exit-race.ts); 3. a mixed concurrent load
// (load.ts) whose list latency is printed (p50/p99: a figure to compare runs by, never asserted);
// each followed by the checks (checks.ts, ledger.ts).
import { busyboxRootfs } from '../testing/busybox.ts';
import { importImage } from '../testing/api.ts';
import { FaultDaemon } from './fault-daemon.ts';
import { killLoop } from './kill-loop.ts';
import { mixedLoad } from './load.ts';
import { exitRace } from './exit-race.ts';
import { checkLeftovers, checkWhole } from './checks.ts';
import { percentile } from './stats.ts';
import { runPhase, type PhaseIo } from './phase.ts';

export interface ContainersPhaseOptions {
  kills: number;
  killClients: number;
  clients: number;
  loadSeconds: number;
}

/** How long prepared starts hold a created container's monitor and mount, plus slack. */
const PREPARED_SETTLE_MS = 20_000;

export async function containersPhase(o: ContainersPhaseOptions, io: PhaseIo): Promise<string[]> {
  const fd = new FaultDaemon();
  return runPhase('containers', fd, io, async (findings) => {
    await fd.start();
    io.say(`berthd on ${fd.dir}`);
    const image = await importImage(fd.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });

    io.say(`== SIGKILL loop: ${o.kills} kills, ${o.killClients} clients`);
    const k = await killLoop(fd, { iterations: o.kills, clients: o.killClients, image, say: io.say });
    io.printTally(k.ops);
    findings.push(...k.findings);
    if (k.findings.some((f) => f.includes('did not come back'))) return;
    findings.push(...(await removeAllAndCheck(fd, k.ledger.seen, io)).map((f) => `after the SIGKILL loop: ${f}`));

    io.say('== removals at exits: 10 clients × 15 containers');
    const x = await exitRace(fd.client(), { clients: 10, rounds: 15, image });
    io.printTally(x.ops);
    findings.push(...x.findings.map((f) => `removals at exits: ${f}`));
    findings.push(...(await removeAllAndCheck(fd, new Set(x.ids), io)).map((f) => `after the removals at exits: ${f}`));

    io.say(`== mixed load: ${o.clients} clients for ${o.loadSeconds} s`);
    const l = await mixedLoad(fd.client(), { clients: o.clients, durationMs: o.loadSeconds * 1000, image });
    io.printTally(l.ops);
    io.say(`GET /containers/json?all=1 under load: ${l.listMs.length} lists, p50 ${ms(percentile(l.listMs, 50))}, p99 ${ms(percentile(l.listMs, 99))}, max ${ms(Math.max(...l.listMs))}`);
    findings.push(...l.findings.map((f) => `load: ${f}`));
    const seen = new Set([...k.ledger.seen, ...l.created]);
    findings.push(...(await checkWhole(fd.client(), fd.dataRoot)).map((f) => `after the load: ${f}`));
    // Created containers hold a prepared start (monitor, mount) for 10 s: then it must be gone.
    findings.push(...(await io.settle(() => checkLeftovers(fd, fd.client(), seen, false), PREPARED_SETTLE_MS)).map((f) => `after the load: ${f}`));
    findings.push(...(await removeAllAndCheck(fd, seen, io)).map((f) => `after the load: ${f}`));
  });
}

/** rm -f of every container, then nothing may be left of any of them (bounded wait). */
async function removeAllAndCheck(fd: FaultDaemon, seen: ReadonlySet<string>, io: PhaseIo): Promise<string[]> {
  const client = fd.client();
  const findings: string[] = [];
  for (const c of await client.containers.list({ all: true })) await client.containers.remove(c.Id, { force: true }).catch((e: Error) => findings.push(`rm -f ${c.Id.slice(0, 12)}: ${e.message}`));
  findings.push(...(await checkWhole(client, fd.dataRoot)));
  findings.push(...(await io.settle(() => checkLeftovers(fd, client, seen, false), 10_000)));
  return findings;
}

const ms = (n: number) => `${Math.round(n)} ms`;
