// What a daemon with networks leaves in the kernel, checked on a quiet daemon: bridges of its
// own (the default one and those named with the run's prefix) that no network holds, veths on
// them that no running container's endpoint accounts for (or endpoints without their veth: half
// made), namespaces `berth-<id12>` of containers that do not run, firewall chains of networks
// that are gone or of owners (containers) that do not run, and a berth-dns that is not the
// daemon's one resolver. The daemon runs with a bridge name and an nft table of its own, so
// nothing another test made on this machine is taken for ours.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { BerthClient } from '../client/index.ts';
import { firewallTable } from '../daemon/networks/network-kernel.ts';
import type { FaultDaemon } from './fault-daemon.ts';
import { processesUnder } from './fault-daemon.ts';
import { unlessNotFound } from '../testing/api.ts';

export interface OwnNetworks {
  /** The default bridge's Linux name (--bridge). */
  bridge: string;
  /** Every user network of the run names its bridge with this prefix. */
  prefix: string;
}

interface Link { ifname: string; master?: string; linkinfo?: { info_kind?: string } }
interface Inspected { Id: string; State: { Status: string }; NetworkSettings?: { Networks?: Record<string, unknown> | null } }

/** Findings about kernel objects; `preparedAllowed` lets created containers hold a run's side. */
export async function checkKernel(fd: FaultDaemon, client: BerthClient, own: OwnNetworks, seen: ReadonlySet<string>, preparedAllowed: boolean): Promise<string[]> {
  const findings: string[] = [];
  const networks = await client.networks.list();
  const bridgeOf = new Map<string, string>();
  for (const n of networks) {
    if (n.Driver !== 'bridge') continue;
    bridgeOf.set(n.Name, n.Name === 'bridge' ? own.bridge : (n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`));
  }
  const ours = (name: string) => name === own.bridge || name.startsWith(own.prefix);
  const links = JSON.parse(spawnSync('ip', ['-d', '-j', 'link', 'show'], { encoding: 'utf8' }).stdout || '[]') as Link[];
  const bridges = new Set(links.filter((l) => l.linkinfo?.info_kind === 'bridge' && ours(l.ifname)).map((l) => l.ifname));
  const held = new Set(bridgeOf.values());
  for (const b of bridges) if (!held.has(b)) findings.push(`bridge left: ${b} (no network holds it)`);
  for (const [name, b] of bridgeOf) if (!bridges.has(b)) findings.push(`network ${name}: its bridge ${b} is missing (half made)`);

  // Endpoints of running containers (and, while allowed, of created ones) against veths per bridge.
  const running = new Set<string>();
  const want = new Map<string, [number, number]>(); // bridge → [at least, at most]
  for (const s of await client.containers.list({ all: true })) {
    const c = (await unlessNotFound(client.containers.inspect(s.Id))) as unknown as Inspected | undefined;
    if (!c) continue;
    const runs = c.State.Status === 'running' || c.State.Status === 'paused';
    const maybe = preparedAllowed && c.State.Status === 'created';
    if (runs) running.add(c.Id);
    if (!runs && !maybe) continue;
    for (const net of Object.keys(c.NetworkSettings?.Networks ?? {})) {
      const b = bridgeOf.get(net);
      if (!b) continue;
      const [lo, hi] = want.get(b) ?? [0, 0];
      want.set(b, [lo + (runs ? 1 : 0), hi + 1]);
    }
  }
  for (const b of held) {
    const veths = links.filter((l) => l.master === b && l.linkinfo?.info_kind === 'veth').length;
    const [lo, hi] = want.get(b) ?? [0, 0];
    if (veths > hi) findings.push(`veth left: ${veths} on ${b} for ${hi} endpoints that may have one`);
    if (veths < lo) findings.push(`veth missing: ${veths} on ${b} for ${lo} running endpoints (half made)`);
  }

  const live = new Set([...running, ...(preparedAllowed ? [...seen].filter((id) => !running.has(id)) : [])]);
  const idOf = (short: string) => [...seen].find((id) => id.startsWith(short));
  for (const ns of netnsNames()) {
    const id = idOf(ns.slice('berth-'.length));
    if (id && !live.has(id)) findings.push(`netns left: ${ns}`);
  }
  findings.push(...firewallFindings(firewallTable(fd.dataRoot), held, live));
  const resolvers = processesUnder(fd.dir).filter((p) => p.cmd.includes('berth-dns'));
  if (resolvers.length > 1) findings.push(`${resolvers.length} berth-dns processes for one daemon: ${resolvers.map((p) => p.pid).join(', ')}`);
  if (resolvers.length === 1 && ![...held].some((b) => b !== own.bridge)) {
    // Allowed (it unbinds and idles), but it must answer for nothing: noted if it listens.
    const listening = spawnSync('ss', ['-Hlnup'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(`pid=${resolvers[0]!.pid},`));
    if (listening.length) findings.push(`berth-dns ${resolvers[0]!.pid} still listens with no user network: ${listening[0]}`);
  }
  return findings;
}

function netnsNames(): string[] {
  try {
    return readdirSync('/run/netns').filter((f) => f.startsWith('berth-'));
  } catch {
    return [];
  }
}

interface NftChain { chain?: { name: string }; rule?: { chain: string } }

/** Chains of a network whose bridge no network holds, or of an owner (container) that does not run. */
function firewallFindings(table: string, bridges: ReadonlySet<string>, live: ReadonlySet<string>): string[] {
  const out = spawnSync('nft', ['-j', 'list', 'table', 'inet', table], { encoding: 'utf8' });
  if (out.status !== 0) return [];
  const items = (JSON.parse(out.stdout) as { nftables: NftChain[] }).nftables;
  const withRules = new Set(items.filter((i) => i.rule).map((i) => i.rule!.chain));
  const findings: string[] = [];
  for (const name of items.filter((i) => i.chain).map((i) => i.chain!.name)) {
    const net = /^(?:fin|fout|post)_(.+)$/.exec(name);
    if (net && !bridges.has(net[1]!)) findings.push(`nft chain left: ${table} ${name} (no such network)`);
    const owner = /^own_(.+)$/.exec(name);
    if (owner && withRules.has(name) && ![...live].some((id) => id.startsWith(owner[1]!))) findings.push(`nft rules left: ${table} ${name} (the container does not run)`);
  }
  return findings;
}
