// docker stats' `networks` and the list's network and port filters against a berthd with a
// default bridge of its own, shaped as Debian's dockerd 20.10 shapes them (checked side by side):
// the sandbox's endpoints eth0, eth1... counted inside the container, none for --network none or
// host, the joined container's for container:<id>. Traffic goes only between the test's own
// containers and to 127.0.0.1.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { networkHarness, networkNames, removeKernelObjects } from '../testing/network-harness.ts';
import { run } from '../testing/run.ts';
import { freePort } from '../testing/free-port.ts';
import { BERTH } from '../testing/berthd-harness.ts';

const skip = requires('docker', 'ip', 'nft', ...RUNS_CONTAINERS);
const names = networkNames();
const f = useBusyboxDaemon({ skip, harness: networkHarness(names), importChanges: ['EXPOSE 80/tcp 443'] });
const docker = f.docker;
/** The Linux bridges of the networks the tests made, removed at the end should a failed test
 * not have removed its network (berthd keeps networks, and their bridges, across its stop). */
const bridges: string[] = [];
after(() => {
  removeKernelObjects(names);
  for (const b of bridges) spawnSync('ip', ['link', 'delete', b], { stdio: 'ignore' });
});

async function networkCreate(name: string): Promise<string> {
  const r = await docker(['network', 'create', name]);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  bridges.push(`br-${id.slice(0, 12)}`);
  return id;
}

const FIELDS = ['rx_bytes', 'rx_packets', 'rx_errors', 'rx_dropped', 'tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped'];
type Counters = Record<string, Record<string, number>>;

async function api(path: string): Promise<{ status: number; body: unknown }> {
  const r = await run('curl', ['-s', '-w', '\n%{http_code}', '--unix-socket', f.d.socket, `http://d/v1.46${path}`]);
  const nl = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(nl + 1)), body: JSON.parse(r.stdout.slice(0, nl)) };
}

async function networksOf(name: string): Promise<Counters | undefined> {
  const r = await api(`/containers/${name}/stats?stream=0&one-shot=1`);
  assert.equal(r.status, 200);
  return (r.body as { networks?: Counters }).networks;
}

async function started(args: string[]): Promise<void> {
  const r = await docker(['run', '-d', ...args]);
  assert.equal(r.code, 0, r.stderr);
}

test('stats: eth0, eth1 of the endpoints with growing counters; none, host and container: as dockerd', { skip }, async () => {
  await started(['--name', 'srv', 'busybox', 'sh', '-c', 'mkdir /w && echo hi > /w/i && exec httpd -f -p 80 -h /w']);
  const ip = (await docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'srv'])).stdout.trim();
  const before = await networksOf('srv');
  assert.deepEqual(Object.keys(before ?? {}), ['eth0']);
  assert.deepEqual(Object.keys(before!.eth0!), FIELDS);
  for (const v of Object.values(before!.eth0!)) assert.equal(typeof v, 'number');

  const get = await docker(['run', '--rm', 'busybox', 'sh', '-c', `for i in 1 2 3; do wget -qO- http://${ip}/i; done`]);
  assert.deepEqual([get.code, get.stdout], [0, 'hi\nhi\nhi\n'], get.stderr);
  const after = (await networksOf('srv'))!.eth0!;
  for (const k of ['rx_bytes', 'rx_packets', 'tx_bytes', 'tx_packets']) assert.ok(after[k]! > before!.eth0![k]!, `${k} grew: ${before!.eth0![k]} → ${after[k]}`);
  // The three responses went out of srv: its tx is what it sent, not what its veth's host end did.
  assert.ok(after.tx_bytes! - before!.eth0!.tx_bytes! > 3 * 'hi\n'.length);

  await networkCreate('statsnet');
  assert.equal((await docker(['network', 'connect', 'statsnet', 'srv'])).code, 0);
  assert.deepEqual(Object.keys((await networksOf('srv')) ?? {}), ['eth0', 'eth1']);

  await started(['--name', 'nonet', '--network', 'none', 'busybox', 'sleep', '300']);
  await started(['--name', 'hostnet', '--network', 'host', 'busybox', 'sleep', '300']);
  await started(['--name', 'joined', '--network', 'container:srv', 'busybox', 'sleep', '300']);
  await started(['--name', 'joinedhost', '--network', 'container:hostnet', 'busybox', 'sleep', '300']);
  assert.equal(await networksOf('nonet'), undefined, '--network none: no networks key');
  assert.equal(await networksOf('hostnet'), undefined, '--network host: no networks key');
  assert.equal(await networksOf('joinedhost'), undefined, "the host's interfaces are never reported");
  assert.deepEqual(Object.keys((await networksOf('joined')) ?? {}), ['eth0', 'eth1'], 'container: shares the sandbox');
  // An interface the container makes itself is not an endpoint (dockerd lists only endpoints).
  await started(['--name', 'own', '--cap-add', 'NET_ADMIN', 'busybox', 'sleep', '300']);
  const made = await docker(['exec', 'own', 'sh', '-c', 'ip link add d0 type veth peer name d1 && ip link set d0 up && grep -c d0: /proc/net/dev']);
  assert.deepEqual([made.code, made.stdout], [0, '1\n'], made.stderr);
  assert.deepEqual(Object.keys((await networksOf('own')) ?? {}), ['eth0']);

  const cli = await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.NetIO}}', 'srv', 'nonet']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^srv \d+(\.\d+)?k?B \/ \d+(\.\d+)?k?B\nnonet 0B \/ 0B\n$/);
  const ours = await run(process.execPath, ['--', BERTH, 'stats', '--no-stream', '--format', '{{.Name}} {{.NetIO}}', 'srv', 'nonet'], { env: { ...process.env, ...f.env() } });
  assert.equal(ours.code, 0, ours.stderr);
  assert.match(ours.stdout, /^srv \d+(\.\d+)?k?B \/ \d+(\.\d+)?k?B\nnonet 0B \/ 0B\n$/);
  assert.equal((await docker(['rm', '-f', 'srv', 'nonet', 'hostnet', 'joined', 'joinedhost', 'own'])).code, 0);
  assert.equal((await docker(['network', 'rm', 'statsnet'])).code, 0);
});

async function listed(filters: Record<string, string[]>): Promise<{ status: number; names: string[] | string }> {
  const r = await api(`/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify(filters))}`);
  if (r.status !== 200) return { status: r.status, names: (r.body as { message: string }).message };
  return { status: 200, names: (r.body as { Names: string[] }[]).map((c) => c.Names[0]!.slice(1)).sort() };
}

test('list filters network, publish and expose as dockerd 20.10 matches them; volume and ancestor still work', { skip }, async () => {
  const port = await freePort();
  const netId = await networkCreate('filtnet');
  await started(['--name', 'pub', '-p', `127.0.0.1:${port}:80`, '-v', 'fvol:/data', 'busybox', 'sleep', '300']);
  await started(['--name', 'exp', '--network', 'filtnet', '--expose', '9000-9001/udp', 'busybox', 'sleep', '300']);
  await started(['--name', 'nonet', '--network', 'none', 'busybox', 'sleep', '300']);
  assert.equal((await docker(['create', '--name', 'made', '-p', `127.0.0.1:${port}:80`, 'busybox'])).code, 0);
  const ok = (names: string[]) => ({ status: 200, names });

  // publish: the host side of the entry's Ports, 0 for a port exposed but not bound.
  assert.deepEqual(await listed({ publish: [String(port)] }), ok(['pub']));
  assert.deepEqual(await listed({ publish: [`${port}/tcp`] }), ok(['pub']));
  assert.deepEqual(await listed({ publish: [`${port}/udp`] }), ok([]));
  assert.deepEqual(await listed({ publish: ['80'] }), ok([]));
  assert.deepEqual(await listed({ publish: ['0-100'] }), ok(['exp', 'pub']));
  assert.deepEqual(await listed({ publish: ['0/udp'] }), ok(['exp']));
  assert.deepEqual(await listed({ publish: [`${port - 1}-${port + 1}/tcp`, '1/udp'] }), ok(['pub']));
  // expose: the container side; a stopped or created container and one on none have no Ports.
  assert.deepEqual(await listed({ expose: ['80'] }), ok(['exp', 'pub']));
  assert.deepEqual(await listed({ expose: ['443/tcp'] }), ok(['exp', 'pub']));
  assert.deepEqual(await listed({ expose: ['9000/udp'] }), ok(['exp']));
  assert.deepEqual(await listed({ expose: ['8999-9002/udp'] }), ok(['exp']));
  assert.deepEqual(await listed({ expose: ['9000'] }), ok([]));
  // network: a name exactly or the start of an id; no such network is no match, not an error.
  assert.deepEqual(await listed({ network: ['bridge'] }), ok(['made', 'pub']));
  assert.deepEqual(await listed({ network: ['filtnet'] }), ok(['exp']));
  assert.deepEqual(await listed({ network: [netId.slice(0, 5)] }), ok(['exp']));
  assert.deepEqual(await listed({ network: ['filt'] }), ok([]));
  assert.deepEqual(await listed({ network: ['none', 'filtnet'] }), ok(['exp', 'nonet']));
  assert.deepEqual(await listed({ network: ['nosuch'] }), ok([]));
  assert.deepEqual(await listed({ volume: ['fvol'] }), ok(['pub']));
  assert.deepEqual(await listed({ volume: ['/data'] }), ok(['pub']));
  assert.deepEqual(await listed({ ancestor: ['busybox'], expose: ['80'] }), ok(['exp', 'pub']));

  // dockerd's texts (it answers them with 500).
  const bad = (key: string, value: string, message: string) => ({ key, value, message });
  for (const b of [
    bad('publish', '80:80', "filter for 'publish' should not contain ':': 80:80"),
    bad('expose', 'x:y', "filter for 'expose' should not contain ':': x:y"),
    bad('publish', 'abc', 'error while looking up for publish abc: strconv.ParseUint: parsing "abc": invalid syntax'),
    bad('publish', '90-80', 'error while looking up for publish 90-80: Invalid range specified for the Port: 90-80'),
    bad('publish', '', 'error while looking up for publish : Empty string specified for ports.'),
    bad('expose', '/tcp', 'error while looking up for expose /tcp: Empty string specified for ports.'),
    bad('publish', '65536', 'error while looking up for publish 65536: strconv.ParseUint: parsing "65536": value out of range'),
    bad('publish', '-5', 'error while looking up for publish -5: strconv.ParseUint: parsing "": invalid syntax'),
  ]) assert.deepEqual(await listed({ [b.key]: [b.value] }), { status: 400, names: b.message });

  // docker ps' columns from those Ports and Networks.
  const ps = await docker(['ps', '-a', '--format', '{{.Names}} [{{.Ports}}] [{{.Networks}}]']);
  assert.deepEqual(ps.stdout.trim().split('\n').sort(), [
    `exp [80/tcp, 443/tcp, 9000-9001/udp] [filtnet]`, `made [] [bridge]`, `nonet [] [none]`, `pub [443/tcp, 127.0.0.1:${port}->80/tcp] [bridge]`,
  ]);
  const format = '{{.Names}} [{{.Ports}}] [{{.Networks}}]';
  const ours = await run(process.execPath, ['--', BERTH, 'ps', '-a', '--format', format], { env: { ...process.env, ...f.env() } });
  assert.equal(ours.code, 0, ours.stderr);
  assert.deepEqual(ours.stdout.trim().split('\n').sort(), ps.stdout.trim().split('\n').sort(), 'berth ps writes them as docker ps');
  assert.equal((await docker(['rm', '-f', 'pub', 'exp', 'nonet', 'made'])).code, 0);
  assert.equal((await docker(['network', 'rm', 'filtnet'])).code, 0);
  assert.equal((await docker(['volume', 'rm', 'fvol'])).code, 0);
});

test("system df's Volumes in dockerd 20.10's shape: UsageData with the size and the containers using it", { skip }, async () => {
  assert.equal((await docker(['volume', 'create', '--label', 'a=b', 'dfv'])).code, 0);
  assert.equal((await docker(['run', '--rm', '-v', 'dfv:/d', 'busybox', 'sh', '-c', 'echo hello > /d/f'])).code, 0);
  await started(['--name', 'dfc', '-v', 'dfv:/d', '-v', '/d2', 'busybox', 'sleep', '300']);
  const r = await api('/system/df');
  assert.equal(r.status, 200);
  const df = r.body as Record<string, unknown> & { Volumes: Record<string, unknown>[] };
  const byName = new Map(df.Volumes.map((v) => [v.Name as string, v]));
  const named = byName.get('dfv')!;
  assert.match(named.CreatedAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.deepEqual({ ...named, CreatedAt: '' }, {
    CreatedAt: '', Driver: 'local', Labels: { a: 'b' }, Mountpoint: named.Mountpoint, Name: 'dfv', Options: null, Scope: 'local', UsageData: { RefCount: 1, Size: 6 },
  });
  assert.match(named.Mountpoint as string, /\/volumes\/dfv\/_data$/);
  const anon = df.Volumes.find((v) => v.Name !== 'dfv')!;
  assert.match(anon.Name as string, /^[0-9a-f]{64}$/);
  // The label dockerd 23+ gives anonymous volumes (20.10: none), which prune's default relies on.
  assert.deepEqual([Object.keys(anon), anon.Labels, anon.UsageData], [Object.keys(named), { 'com.docker.volume.anonymous': '' }, { RefCount: 1, Size: 0 }]);
  // In Go's field order, as dockerd writes it.
  assert.deepEqual(Object.keys(named.UsageData as object), ['RefCount', 'Size']);
  assert.equal(df.Volumes.length, 2);
  assert.equal((await docker(['rm', '-f', '-v', 'dfc'])).code, 0);
  assert.equal((await docker(['volume', 'rm', 'dfv'])).code, 0);
});
