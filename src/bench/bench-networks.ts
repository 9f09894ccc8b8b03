// The networks the container bench gives its two daemons, so that neither touches the
// machine's own: berthd a bridge name and subnet of the bench's (never berth0 / 172.17), and
// dockerd a network namespace of its own holding a bridge the bench made there. In that
// namespace dockerd runs with its iptables on (its NAT rules, FORWARD policy and ip_forward are
// the namespace's, gone with it), so its bridge figures include the NAT work as berthd's do; the
// host's firewall and sysctls never see it. Everything is removed by `remove()`, also after a
// failed or interrupted bench: the berthd bridge, berthd's nft tables and berth-dns, the namespace.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { firewallTable } from '../daemon/networks/network-kernel.ts';
import { hostRoutes, overlaps } from '../network/ipam.ts';
import { DnsSupervisor } from '../network/dns/dns-supervisor.ts';

export interface BenchNetworks {
  /** berthd's `--bridge` and `--bip`. */
  berthd: { bridge: string; bip: string };
  /** dockerd's namespace (/run/netns/<netns>) and its `-b` bridge in there. */
  dockerd: { netns: string; bridge: string; bip: string };
  /** Removes what the daemons and the bench made (the daemons must have stopped); returns
   *  what berthd had left by design (live-restore keeps bridge, rules and resolver). */
  remove(berthd: { dataRoot: string; execRoot: string }): Promise<string[]>;
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** Two /24s in 10.200–10.254 that no route of the host (nor each other) covers. */
async function twoSubnets(): Promise<[string, string]> {
  const taken = await hostRoutes();
  const picked: string[] = [];
  while (picked.length < 2) {
    const s = `10.${randomInt(200, 255)}.${randomInt(0, 256)}.0/24`;
    if (![...taken, ...picked].some((t) => overlaps(t, s))) picked.push(s);
  }
  return picked as [string, string];
}

const gateway = (subnet: string) => subnet.replace(/\.0\/24$/, '.1/24');

export async function makeBenchNetworks(): Promise<BenchNetworks> {
  const tag = randomBytes(3).toString('hex');
  const [berthSubnet, dockerSubnet] = await twoSubnets();
  const nets = {
    berthd: { bridge: `bbb${tag}`, bip: gateway(berthSubnet) },
    dockerd: { netns: `berth-bench-${tag}`, bridge: `bbd${tag}`, bip: gateway(dockerSubnet) },
  };
  const d = nets.dockerd;
  const remove = async (b: { dataRoot: string; execRoot: string }): Promise<string[]> => {
    const left: string[] = [];
    // Stopped without live-restore off, berthd leaves its resolver answering: stopped here.
    if (new DnsSupervisor({ dir: join(b.execRoot, 'dns') }).pid() !== undefined) left.push('berth-dns');
    await new DnsSupervisor({ dir: join(b.execRoot, 'dns') }).stop();
    const table = firewallTable(b.dataRoot);
    for (const family of ['inet', 'bridge']) {
      if (spawnSync('nft', ['delete', 'table', family, table], { stdio: 'ignore' }).status === 0) left.push(`nft table ${family} ${table}`);
    }
    if (spawnSync('ip', ['link', 'delete', nets.berthd.bridge], { stdio: 'ignore' }).status === 0) left.push(`bridge ${nets.berthd.bridge}`);
    spawnSync('ip', ['netns', 'delete', d.netns], { stdio: 'ignore' });
    return left;
  };
  try {
    ip(['netns', 'add', d.netns]);
    ip(['-n', d.netns, 'link', 'set', 'lo', 'up']);
    ip(['-n', d.netns, 'link', 'add', d.bridge, 'type', 'bridge']);
    ip(['-n', d.netns, 'addr', 'add', d.bip, 'dev', d.bridge]);
    ip(['-n', d.netns, 'link', 'set', d.bridge, 'up']);
  } catch (err) {
    spawnSync('ip', ['netns', 'delete', d.netns], { stdio: 'ignore' });
    throw err;
  }
  return { ...nets, remove };
}
