// Checks of the service loop beyond the ledger's, on a quiet daemon: no build step's container
// is left (no build is in flight then), every running container's published port answers
// on 127.0.0.1 (its DNAT rules are back after a restart: adopt re-applies them), and inside each
// running container's namespace the interfaces are exactly its recorded endpoints — an eth<N>
// whose record is gone sits on no bridge, so the veth count per bridge (kernel-leftovers.ts)
// cannot see it, and the next connect collided with it.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import type { BerthClient } from '../client/index.ts';
import { STEP_MARK } from './service-ops.ts';
import { unlessNotFound } from '../testing/api.ts';

export async function checkBuildContainers(client: BerthClient): Promise<string[]> {
  const left = (await client.containers.list({ all: true })).filter((c) => c.Command.includes(STEP_MARK));
  return left.map((c) => `build container left: ${c.Id.slice(0, 12)} (${c.State}) ${c.Command.slice(0, 80)}`);
}

export async function checkPortsAnswer(client: BerthClient): Promise<string[]> {
  const findings: string[] = [];
  for (const c of await client.containers.list()) {
    for (const p of c.Ports ?? []) {
      if (!p.PublicPort || p.IP !== '127.0.0.1') continue;
      // httpd may still be starting in a container started just before the kill: a few tries.
      let ok = false;
      for (let i = 0; i < 10 && !ok; i++) {
        ok = await reachable(p.PublicPort);
        if (!ok) await new Promise((r) => setTimeout(r, 200));
      }
      if (!ok) findings.push(`container ${c.Id.slice(0, 12)}: published 127.0.0.1:${p.PublicPort} does not answer`);
    }
  }
  return findings;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', timeout: 1000 }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
    s.on('timeout', () => (s.destroy(), resolve(false)));
  });
}

interface Endpoints { Id: string; State: { Status: string }; NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null } }
interface AddrLink { ifname: string; addr_info?: { family: string; local: string }[] }

export async function checkNamespaceLinks(client: BerthClient): Promise<string[]> {
  const findings: string[] = [];
  for (const s of await client.containers.list()) {
    const c = (await unlessNotFound(client.containers.inspect(s.Id))) as unknown as Endpoints | undefined;
    if (!c || c.State.Status !== 'running') continue;
    const ns = `berth-${c.Id.slice(0, 12)}`;
    const out = spawnSync('ip', ['-n', ns, '-j', 'addr', 'show'], { encoding: 'utf8' });
    if (out.status !== 0) continue; // --network none/host/container:x: no namespace of berth's
    const links = (JSON.parse(out.stdout || '[]') as AddrLink[]).filter((l) => l.ifname.startsWith('eth'));
    const inside = new Map(links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => [a.local, l.ifname] as const)));
    const recorded = Object.entries(c.NetworkSettings?.Networks ?? {}).filter(([, e]) => e.IPAddress);
    const name = `container ${c.Id.slice(0, 12)}`;
    for (const [net, e] of recorded) if (!inside.has(e.IPAddress!)) findings.push(`${name}: endpoint on ${net} (${e.IPAddress}) has no interface in ${ns} (half made)`);
    const known = new Set(recorded.map(([, e]) => e.IPAddress));
    for (const l of links) {
      const mine = (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => a.local);
      if (!mine.some((a) => known.has(a))) findings.push(`${name}: ${l.ifname} (${mine.join(', ') || 'no address'}) in ${ns} has no endpoint (left)`);
    }
  }
  return findings;
}
