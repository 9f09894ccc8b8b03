// Daemons for network tests: each gets a default bridge and address pools of its own (several
// test daemons run at once on one machine), and a list of what berth left in the kernel —
// bridges, veths, namespaces, nftables tables — to assert that nothing is left.
import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { HarnessOptions } from './berthd-harness.ts';

export interface NetworkNames {
  /** The default bridge's Linux name. */
  bridge: string;
  /** Its gateway with prefix (--bip). */
  bip: string;
  /** The subnet of the default bridge. */
  subnet: string;
  /** Where user networks take their subnets from (default-address-pools). */
  poolBase: string;
}

export function networkNames(): NetworkNames {
  const a = randomInt(64, 128);
  const b = randomInt(0, 256);
  return { bridge: `bt${randomBytes(3).toString('hex')}`, bip: `10.${a}.${b}.1/24`, subnet: `10.${a}.${b}.0/24`, poolBase: `10.${randomInt(128, 192)}.0.0/16` };
}

/** Harness options for a daemon with its own bridge and pools. */
export function networkHarness(n: NetworkNames, extra: HarnessOptions = {}): HarnessOptions {
  return {
    ...extra,
    args: ['--bridge', n.bridge, '--bip', n.bip, ...(extra.args ?? [])],
    daemonJson: { 'default-address-pools': [{ base: n.poolBase, size: 24 }], ...((extra.daemonJson as Record<string, unknown> | undefined) ?? {}) },
  };
}

/** berth's objects in the kernel: bridges named bt*, their veths, berth-* namespaces, berth* nft tables. */
export function kernelObjects(n: NetworkNames): { links: string[]; netns: string[]; tables: string[] } {
  const links = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout || '[]') as { ifname: string; master?: string }[];
  const mine = links.filter((l) => l.ifname === n.bridge || l.master === n.bridge || (l.master?.startsWith('br-') ?? false) && false).map((l) => l.ifname);
  const netns = (() => {
    try {
      return readdirSync('/run/netns').filter((f) => f.startsWith('berth-'));
    } catch {
      return [];
    }
  })();
  const tables = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(n.bridge));
  return { links: mine, netns, tables };
}

/** Removes what a failed test may have left (the daemon is gone by then). */
export function removeKernelObjects(n: NetworkNames): void {
  spawnSync('ip', ['link', 'delete', n.bridge], { stdio: 'ignore' });
  for (const line of kernelObjects(n).tables) {
    const [, family, name] = line.split(' ');
    if (family && name) spawnSync('nft', ['delete', 'table', family, name], { stdio: 'ignore' });
  }
}
