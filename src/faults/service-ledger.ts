// What berthd acknowledged in the service loop (networks, endpoints, volumes, images made by
// build, pull and push), checked after every restart as ledger.ts does for containers: what was
// answered must be there and whole; what the kill cut off is settled by what the new daemon
// shows, and must be whole if it shows it.
import { readdirSync } from 'node:fs';
import type { BerthClient } from '../client/index.ts';
import type { Fate } from './ledger.ts';
import { exists } from './ledger.ts';

export class ServiceLedger {
  /** Network name → fate. */
  readonly networks = new Map<string, Fate>();
  /** `<container id> <network name>` → fate of the endpoint. */
  readonly endpoints = new Map<string, Fate>();
  /** Volume name → whether its copy-up was acknowledged (a start answered). */
  readonly volumes = new Map<string, { fate: Fate; filled: boolean }>();
  /** Image reference (build -t, pull, import for push) → fate. */
  readonly images = new Map<string, Fate>();
  /** References pushed (acknowledged) to the registry: what pull takes. */
  readonly pushed = new Set<string>();

  /** Findings: acknowledged objects gone, and objects shown half made. `files` is how many
   * entries a copied-up volume has. */
  async verify(client: BerthClient, files: number): Promise<string[]> {
    const findings: string[] = [];
    const nets = new Set((await client.networks.list()).map((n) => n.Name));
    for (const [name, fate] of this.networks) {
      if (fate === 'present' && !nets.has(name)) findings.push(`network ${name}: created (acknowledged) but gone after the restart`);
      if (fate === 'removed' && nets.has(name)) findings.push(`network ${name}: removed (acknowledged) but back after the restart`);
      this.networks.set(name, nets.has(name) ? 'present' : 'removed');
    }
    for (const [key, fate] of this.endpoints) {
      const [id, net] = key.split(' ') as [string, string];
      const attached = await client.containers.inspect(id).then((c) => net in ((c as unknown as { NetworkSettings: { Networks: Record<string, unknown> } }).NetworkSettings.Networks ?? {}), () => undefined);
      if (attached === undefined || !nets.has(net)) {
        this.endpoints.delete(key); // the container or the network went (rm -f, network rm)
        continue;
      }
      if (fate === 'present' && !attached) findings.push(`endpoint ${id.slice(0, 12)} on ${net}: connected (acknowledged) but gone after the restart`);
      if (fate === 'removed' && attached) findings.push(`endpoint ${id.slice(0, 12)} on ${net}: disconnected (acknowledged) but back after the restart`);
      this.endpoints.set(key, attached ? 'present' : 'removed');
    }
    const vols = new Map(((await client.volumes.list()).Volumes ?? []).map((v) => [v.Name, v.Mountpoint]));
    for (const [name, v] of this.volumes) {
      const at = vols.get(name);
      if (at === undefined) {
        if (v.fate === 'present') findings.push(`volume ${name}: created (acknowledged) but gone after the restart`);
        v.fate = 'removed';
        continue;
      }
      v.fate = 'present';
      const n = readdirSync(at).length;
      if (v.filled && n !== files) findings.push(`volume ${name}: copy-up acknowledged but it has ${n} of ${files} entries`);
      else if (n !== 0 && n !== files) findings.push(`volume ${name}: half copied up (${n} of ${files} entries) after the restart`);
    }
    for (const [ref, fate] of this.images) {
      const there = await exists(() => client.images.inspect(ref));
      if (fate === 'present' && !there) findings.push(`image ${ref}: made (acknowledged) but gone after the restart`);
      this.images.set(ref, there ? 'present' : 'removed');
    }
    return findings;
  }

  present<K>(m: Map<K, Fate>): K[] {
    return [...m].filter(([, f]) => f === 'present').map(([k]) => k);
  }
}
