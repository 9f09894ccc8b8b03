// What a bridge endpoint costs a container start and removal: addEndpoint with its namespace
// (one batch on the daemon's long-lived ip, which forks once for the commands inside the
// namespace), then the two ways of taking it down, against a baseline spawn of `ip` that does
// nothing. Figures, never assertions: `node dist/bench/endpoint-bench.js` (as root).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { deleteBridge, ensureBridge } from '../network/bridge.ts';
import { addEndpoint, removeEndpoint } from '../network/endpoint.ts';
import { runIp } from '../network/ip-batch.ts';
import { macForIPv4 } from '../network/ipam.ts';
import { deleteNetns } from '../network/netns.ts';
import { median, p90 } from './stats.ts';

const N = Number(process.env.BENCH_N) || 20;
const tag = randomBytes(3).toString('hex');
const bridge = `bt${tag}`;

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const fig = (xs: number[]): string => `median ${median(xs).toFixed(1)} ms, p90 ${p90(xs).toFixed(1)} ms`;

async function main(): Promise<void> {
  const t = { spawn: [] as number[], add: [] as number[], removeLink: [] as number[], deleteNetns: [] as number[] };
  await ensureBridge({ name: bridge, gateway: '10.252.0.1/16' });
  try {
    for (let i = 0; i < N; i++) {
      const ns = `berth-t${tag}${i}`;
      const hostIf = `veth${tag}${i.toString(16)}`;
      const ip = `10.252.${1 + (i >> 8)}.${i & 0xff}`;
      t.spawn.push(await timed(() => runIp(['-batch', '-'], 'link show dev lo\n')));
      t.add.push(await timed(() => addEndpoint({ netns: ns, createNetns: true, bridge, hostIf, ifName: 'eth0', address: `${ip}/16`, mac: macForIPv4(ip), gateway: '10.252.0.1' })));
      // Half the endpoints go with their namespace, half by their host end first.
      if (i % 2) t.deleteNetns.push(await timed(() => deleteNetns(ns)));
      else {
        t.removeLink.push(await timed(() => removeEndpoint(hostIf)));
        await deleteNetns(ns);
      }
    }
  } finally {
    for (let i = 0; i < N; i++) await deleteNetns(`berth-t${tag}${i}`);
    await deleteBridge(bridge);
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, n=${N}`);
  console.log(`spawn of ip doing nothing:        ${fig(t.spawn)}`);
  console.log(`addEndpoint with createNetns:     ${fig(t.add)}`);
  console.log(`removeEndpoint (link delete):     ${fig(t.removeLink)}`);
  console.log(`deleteNetns (endpoint goes too):  ${fig(t.deleteNetns)}`);
}

await main();
