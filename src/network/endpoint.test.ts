// Against the real kernel: a bridge and two endpoints, each in its own namespace; the two reach
// each other (traffic only between namespaces this test made), and nothing is left afterwards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';
import { BUSYBOX_BIN } from '../testing/busybox.ts';
import { endpointCounters, readNetnsCounters, readVethCounters } from '../daemon/containers/net-stats.ts';
import { bridgeExists, deleteBridge, ensureBridge } from './bridge.ts';
import { NETNS_FREE_WAIT_MS, addEndpoint, removeEndpoint, removeWithNetns, type EndpointSpec } from './endpoint.ts';
import { runIp } from './ip-batch.ts';
import { macForIPv4 } from './ipam.ts';
import { addNetns, deleteNetns, listNetns, netnsExists, netnsPath } from './netns.ts';
import { isKind } from '../api/types/errors.ts';

const skip = requires('root', 'ip', 'busybox');
const tag = randomBytes(3).toString('hex');
const bridge = `bt${tag}`;
const ns = (i: number) => `berth-t${tag}${i}`;
const veth = (i: number) => `veth${tag}${i}`;

after(async () => {
  for (let i = 0; i < 4; i++) await deleteNetns(ns(i));
  await deleteBridge(bridge);
});

async function ipJson(args: string[]): Promise<any[]> {
  const r = await runIp(['-j', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const hostLinks = async (): Promise<string[]> => (await ipJson(['link'])).map((l) => l.ifname as string);

function spec(i: number, o: Partial<EndpointSpec> = {}): EndpointSpec {
  const ip = `10.251.${i}.2`;
  return { netns: ns(i), createNetns: true, bridge, hostIf: veth(i), ifName: 'eth0', address: `${ip}/16`, mac: macForIPv4(ip), mtu: 1400, gateway: '10.251.0.1', ...o };
}

test('two endpoints on a bridge: addresses, mac, routes, reachability; nothing left', { skip }, async () => {
  await ensureBridge({ name: bridge, gateway: '10.251.0.1/16', mtu: 1400, ipv6Gateway: 'fd7b:e47::1/64' });
  await ensureBridge({ name: bridge, gateway: '10.251.0.1/16', mtu: 1400 }); // idempotent
  assert.ok(await bridgeExists(bridge));
  const [br] = await ipJson(['addr', 'show', 'dev', bridge]);
  assert.deepEqual(br.addr_info.map((a: any) => `${a.local}/${a.prefixlen}`).filter((a: string) => !a.startsWith('fe80')), ['10.251.0.1/16', 'fd7b:e47::1/64']);
  assert.equal(br.mtu, 1400);

  // At once: the daemon's one ip takes them in turn.
  await Promise.all([
    addEndpoint(spec(1, { ipv6Address: 'fd7b:e47::2/64', ipv6Gateway: 'fd7b:e47::1' })),
    addEndpoint(spec(2, { gateway: undefined })),
  ]);

  const links = await ipJson(['-n', ns(1), 'addr']);
  const lo = links.find((l) => l.ifname === 'lo');
  const eth0 = links.find((l) => l.ifname === 'eth0');
  assert.ok(lo.flags.includes('UP'));
  assert.equal(eth0.address, '02:42:0a:fb:01:02');
  assert.equal(eth0.mtu, 1400);
  assert.ok(eth0.flags.includes('UP'));
  const addrs = eth0.addr_info.filter((a: any) => a.scope === 'global');
  assert.deepEqual(addrs.map((a: any) => [a.local, a.prefixlen, a.broadcast]), [['10.251.1.2', 16, '10.251.255.255'], ['fd7b:e47::2', 64, undefined]]);
  const routes4 = await ipJson(['-n', ns(1), 'route']);
  assert.ok(routes4.some((r) => r.dst === 'default' && r.gateway === '10.251.0.1' && r.dev === 'eth0'));
  const routes6 = await ipJson(['-n', ns(1), '-6', 'route']);
  assert.ok(routes6.some((r) => r.dst === 'default' && r.gateway === 'fd7b:e47::1'));
  assert.equal((await ipJson(['-n', ns(2), 'route'])).some((r) => r.dst === 'default'), false);

  const [host] = await ipJson(['-d', 'link', 'show', 'dev', veth(1)]);
  assert.equal(host.master, bridge);
  assert.ok(host.flags.includes('UP'));
  assert.equal(host.linkinfo.info_slave_data.hairpin, true);
  assert.equal(netnsPath(ns(1)), `/run/netns/${ns(1)}`);

  const ping = await runIp(['netns', 'exec', ns(1), BUSYBOX_BIN, 'ping', '-c', '1', '-W', '5', '10.251.2.2']);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);

  // docker stats' networks: the host end's counters, swapped, are the container end's.
  await until('the host end mirrors the counters read inside the namespace', async () => {
    const inside = (await readNetnsCounters(ns(1)))?.eth0;
    return inside !== undefined && JSON.stringify(inside, (_, v) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(readVethCounters(veth(1)), (_, v) => (typeof v === 'bigint' ? String(v) : v));
  });
  const seen = endpointCounters([{ ifName: 'eth0', hostIf: veth(1) }, { ifName: 'eth9', hostIf: `veth${tag}9` }])!;
  assert.deepEqual(Object.keys(seen), ['eth0']);
  assert.ok(seen.eth0!.tx_packets >= 1n && seen.eth0!.rx_packets >= 1n && seen.eth0!.tx_bytes >= 84n, JSON.stringify(seen, (_, v) => String(v)));
  assert.equal(readVethCounters(`veth${tag}9`), undefined);
  assert.equal(await readNetnsCounters(`berth-t${tag}9`), undefined);

  await removeEndpoint(veth(1));
  await removeEndpoint(veth(1)); // idempotent
  assert.equal((await ipJson(['-n', ns(1), 'link'])).some((l) => l.ifname === 'eth0'), false);
  await deleteNetns(ns(1));
  await deleteNetns(ns(1));
  // Deleting the namespace alone takes its endpoint with it (the kernel does it a moment later).
  await deleteNetns(ns(2));
  await until(`${veth(2)} is gone with its namespace`, async () => !(await hostLinks()).includes(veth(2)));
  await deleteBridge(bridge);
  await deleteBridge(bridge);
  const left = (await hostLinks()).filter((l) => l.includes(tag));
  assert.deepEqual(left, []);
  assert.deepEqual((await listNetns()).filter((n) => n.includes(tag)), []);
});

test('a failed set-up says which command failed and leaves nothing', { skip }, async () => {
  await ensureBridge({ name: bridge, gateway: '10.251.0.1/16' });
  // The gateway is not on the link: the route, the last command inside the namespace, fails.
  const bad = spec(3, { gateway: '10.99.99.1' });
  await assert.rejects(addEndpoint(bad), (err: Error) => {
    assert.match(err.message, /route add default via 10\.99\.99\.1 dev eth0/);
    assert.match(err.message, new RegExp(`adding endpoint ${veth(3)}`));
    return true;
  });
  assert.equal(netnsExists(ns(3)), false);
  assert.equal((await hostLinks()).includes(veth(3)), false);

  // The veth itself fails (no such bridge): the namespace made in the same batch goes again.
  // (ip exits on the unknown device; the next batch gets a new ip.)
  await assert.rejects(addEndpoint(spec(0, { bridge: `bt${tag}x` })), /link set dev veth\w+ master bt\w+x up failed: .*Device does not exist/);
  assert.equal(netnsExists(ns(0)), false);
  assert.equal(existsSync(`/sys/class/net/${veth(0)}`), false);

  // A namespace to create that exists already is someone else's: refused, and left alone.
  await addNetns(ns(0));
  await assert.rejects(addEndpoint(spec(0)), (err) => isKind(err, 'conflict'));
  assert.equal(netnsExists(ns(0)), true);
  assert.deepEqual((await ipJson(['-n', ns(0), 'link'])).map((l) => l.ifname), ['lo']);
  await deleteNetns(ns(0));
  assert.equal(existsSync(`/sys/class/net/${veth(0)}`), false);
  await deleteBridge(bridge);
});

test('a run\'s end: the namespace goes and its endpoints with it, also when something holds it', { skip }, async () => {
  await ensureBridge({ name: bridge, gateway: '10.251.0.1/16' });
  await addEndpoint(spec(1));
  await removeWithNetns(ns(1), [veth(1)]);
  // Gone when it returns: a leak check or the next start right after it finds nothing.
  assert.equal(netnsExists(ns(1)), false);
  assert.equal(existsSync(`/sys/class/net/${veth(1)}`), false);
  await removeWithNetns(ns(1), [veth(1)]); // idempotent

  // A process of ours in the namespace keeps it (and the pair) alive after the deletion: the
  // host end goes the slow way once the wait is over.
  await addEndpoint(spec(2));
  const holder = spawn('nsenter', [`--net=${netnsPath(ns(2))}`, BUSYBOX_BIN, 'sleep', '30'], { stdio: 'ignore' });
  try {
    await until('the holder is in the namespace', async () => holder.pid !== undefined && existsSync(`/proc/${holder.pid}/ns/net`) && (await runIp(['netns', 'identify', String(holder.pid)])).stdout.trim() === ns(2));
    const t0 = performance.now();
    await removeWithNetns(ns(2), [veth(2)]);
    assert.ok(performance.now() - t0 >= NETNS_FREE_WAIT_MS);
    assert.equal(netnsExists(ns(2)), false);
    assert.equal(existsSync(`/sys/class/net/${veth(2)}`), false);
  } finally {
    holder.kill('SIGKILL');
  }
  await deleteBridge(bridge);
});
