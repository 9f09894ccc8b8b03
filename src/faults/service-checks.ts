// Checks of the service loop beyond the ledger's, on a quiet daemon: no build step's container
// is left (no build is in flight then), and every running container's published port answers
// on 127.0.0.1 (its DNAT rules are back after a restart: adopt re-applies them).
import { connect } from 'node:net';
import type { BerthClient } from '../client/index.ts';
import { STEP_MARK } from './service-ops.ts';

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
