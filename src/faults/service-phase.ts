// The service loop's set-up and end: a loopback registry, a berthd with a default bridge and an
// address pool of its own (network-harness.ts), the busybox image and one with files where the
// volume goes; after the loop every container and network is removed and nothing may be left.
import { randomBytes } from 'node:crypto';
import { importImage } from '../testing/api.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { networkHarness, networkNames } from '../testing/network-harness.ts';
import { startRegistry } from '../testing/registry.ts';
import { FaultDaemon } from './fault-daemon.ts';
import { checkLeftovers, checkWhole } from './checks.ts';
import { checkKernel } from './kernel-leftovers.ts';
import { checkBuildContainers } from './service-checks.ts';
import { copyUpFiles } from './service-ops.ts';
import { serviceLoop } from './service-loop.ts';
import { runPhase, type PhaseIo } from './phase.ts';

export type { PhaseIo } from './phase.ts';

export async function servicePhase(o: { iterations: number; clients: number }, io: PhaseIo): Promise<string[]> {
  const names = networkNames();
  const own = { bridge: names.bridge, prefix: `fb${randomBytes(2).toString('hex')}` };
  const registry = await startRegistry();
  const fd = new FaultDaemon(networkHarness(names));
  return runPhase('services', fd, io, async (findings) => {
    await fd.start();
    const api = fd.client().api;
    const base = await importImage(api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
    const withData = await importImage(api, busyboxRootfs(copyUpFiles()), { repo: 'faults/with-data', tag: 'latest', changes: ['CMD ["sh"]'] });
    io.say(`== SIGKILL loop over networks, volumes, ports, build, pull and push: ${o.iterations} kills, ${o.clients} clients (bridge ${own.bridge}, networks ${own.prefix}*)`);
    const r = await serviceLoop(fd, { ...o, env: { base, withData, registry: registry.host }, own, say: io.say });
    io.printTally(r.ops);
    findings.push(...r.findings);
    if (r.findings.some((f) => f.includes('did not come back'))) return;
    // The end: every container, then every user network removed; nothing may be left.
    const c = fd.client();
    for (const x of await c.containers.list({ all: true })) await c.containers.remove(x.Id, { force: true }).catch((e: Error) => findings.push(`rm -f ${x.Id.slice(0, 12)}: ${e.message}`));
    for (const n of await c.networks.list()) {
      if (!['bridge', 'host', 'none'].includes(n.Name)) await c.networks.remove(n.Id).catch((e: Error) => findings.push(`network rm ${n.Name}: ${e.message}`));
    }
    const end = [
      ...(await checkWhole(c, fd.dataRoot)),
      ...(await checkBuildContainers(c)),
      ...(await io.settle(async () => [...(await checkLeftovers(fd, c, r.ledger.seen, false)), ...(await checkKernel(fd, c, own, r.ledger.seen, false))], 10_000)),
    ];
    findings.push(...end.map((f) => `after the service loop: ${f}`));
  }, { after: () => registry.stop() });
}
