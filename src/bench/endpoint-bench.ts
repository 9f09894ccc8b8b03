// Where a bridge costs a container its time, part by part, as the network attachment does them
// (network-attachment.ts): addEndpoint with its namespace (one batch on the daemon's long-lived
// ip, which forks once for the commands inside the namespace); the run's end as the attachment
// takes it (removeWithNetns) beside the way it took it before (removeEndpoint, then
// deleteNetns); the container's net
// files; and for a published port the free-port test and the firewall's publish and unpublish
// (one batch each on the daemon's long-lived `nft -i`, nft-session.ts). The baseline is a spawn of `ip` that does nothing: on this shared
// machine a process start is the unit everything else is counted in.
// Figures, never assertions: `node dist/bench/endpoint-bench.js` (as root). Its bridge, table
// and namespaces are its own (random names) and removed at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNetFiles } from '../daemon/networks/container-net-files.ts';
import { deleteBridge, ensureBridge } from '../network/bridge.ts';
import { addEndpoint, removeEndpoint, removeWithNetns } from '../network/endpoint.ts';
import { Firewall } from '../network/firewall.ts';
import { runIp } from '../network/ip-batch.ts';
import { macForIPv4 } from '../network/ipam.ts';
import { deleteNetns } from '../network/netns.ts';
import { checkPortFree } from '../network/port-holder.ts';
import { median, p90 } from './stats.ts';

const N = Number(process.env.BENCH_N) || 20;
const tag = randomBytes(3).toString('hex');
const bridge = `bt${tag}`;

async function timed(f: () => unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const fig = (xs: number[]): string => `median ${median(xs).toFixed(1)} ms, p90 ${p90(xs).toFixed(1)} ms`;

async function main(): Promise<void> {
  const t = { spawn: [] as number[], add: [] as number[], files: [] as number[], before: [] as number[], withNetns: [] as number[], portFree: [] as number[], publish: [] as number[], unpublish: [] as number[] };
  const firewall = new Firewall({ table: `berth_t${tag}` });
  const dir = mkdtempSync(join(tmpdir(), 'berth-endpoint-bench-'));
  await ensureBridge({ name: bridge, gateway: '10.252.0.1/16' });
  try {
    await firewall.addNetwork({ bridge, subnet: '10.252.0.0/16', internal: false, masquerade: true, icc: true });
    for (let i = 0; i < N; i++) {
      const ns = `berth-t${tag}${i}`;
      const hostIf = `veth${tag}${i.toString(16)}`;
      const ip = `10.252.${1 + (i >> 8)}.${i & 0xff}`;
      t.spawn.push(await timed(() => runIp(['-batch', '-'], 'link show dev lo\n')));
      t.add.push(await timed(() => addEndpoint({ netns: ns, createNetns: true, bridge, hostIf, ifName: 'eth0', address: `${ip}/16`, mac: macForIPv4(ip), gateway: '10.252.0.1' })));
      t.files.push(await timed(() => writeNetFiles({ dir: join(dir, String(i)), hostname: 'c0ffee', extraHosts: [], resolver: { dns: [], search: [], options: [] }, hostResolvConf: 'nameserver 192.0.2.53\n', links: [], ips: [ip] })));
      const port = 20000 + Math.floor(Math.random() * 20000);
      // A random port may be taken: the check is timed either way, and says so.
      t.portFree.push(await timed(() => checkPortFree('127.0.0.1', port, 'tcp').catch((err: unknown) => console.error(`port ${port}: ${(err as Error).message} (timed all the same)`))));
      t.publish.push(await timed(() => firewall.publish(`c${i}`, [{ proto: 'tcp', hostIp: '127.0.0.1', hostPort: port, containerIp: ip, containerPort: 80, bridge }])));
      t.unpublish.push(await timed(() => firewall.unpublish(`c${i}`)));
      // Half the endpoints end as the attachment ends them, half as it did before.
      if (i % 2) t.withNetns.push(await timed(() => removeWithNetns(ns, [hostIf])));
      else t.before.push(await timed(async () => {
        await removeEndpoint(hostIf);
        await deleteNetns(ns);
      }));
    }
  } finally {
    for (let i = 0; i < N; i++) await deleteNetns(`berth-t${tag}${i}`);
    await firewall.destroy();
    await deleteBridge(bridge);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, n=${N}`);
  console.log(`spawn of ip doing nothing:              ${fig(t.spawn)}`);
  console.log(`addEndpoint with createNetns:           ${fig(t.add)}`);
  console.log(`hosts, hostname, resolv.conf written:   ${fig(t.files)}`);
  console.log(`removeEndpoint + deleteNetns (before): ${fig(t.before)}`);
  console.log(`removeWithNetns (the run's end now):    ${fig(t.withNetns)}`);
  console.log(`checkPortFree 127.0.0.1 (a bind):       ${fig(t.portFree)}`);
  console.log(`firewall publish, one port (nft -i):    ${fig(t.publish)}`);
  console.log(`firewall unpublish (nft -i):            ${fig(t.unpublish)}`);
}

await main();
