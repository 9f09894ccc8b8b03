// /networks against a real berthd: predefined networks, create and its refusals, filters,
// connect and disconnect (IPAM in the store), remove, prune, events, a restart, and the docker
// CLI. The daemon's default bridge has a unique name: the kernel side, once wired, makes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Berthd } from '../testing/berthd-harness.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { readText, type ApiClient } from '../client/api-client.ts';
import { run } from '../testing/run.ts';

const bridge = `bt${randomBytes(3).toString('hex')}`;
const f = useBusyboxDaemon({ harness: { args: ['--bridge', bridge, '--bip', '10.231.0.1/24'] } });
const api = (): ApiClient => f.d.client('1.41').api;
type Net = Record<string, any>;
const refused = (p: Promise<unknown>, kind: string, message: RegExp | string) =>
  assert.rejects(p, (err: { kind: string; message: string }) => {
    assert.equal(err.kind, kind, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
const createNet = (body: Record<string, unknown>) => api().json<{ Id: string; Warning: string }>('POST', '/networks/create', { body });
const createBox = async (name: string, hostConfig: Record<string, unknown> = {}, cmd = ['true']) =>
  (await api().json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: { Image: 'busybox', Cmd: cmd, HostConfig: hostConfig } })).Id;
const names = (nets: Net[]) => nets.map((n) => n.Name).sort();

test('predefined networks: bridge from --bridge/--bip, host, none; not removable', async () => {
  const nets = await api().json<Net[]>('GET', '/networks');
  assert.deepEqual(names(nets), ['bridge', 'host', 'none']);
  const b = await api().json<Net>('GET', '/networks/bridge');
  assert.deepEqual(Object.keys(b), ['Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels']);
  assert.deepEqual(b.IPAM, { Driver: 'default', Options: null, Config: [{ Subnet: '10.231.0.0/24', Gateway: '10.231.0.1' }] });
  assert.equal(b.Options['com.docker.network.bridge.name'], bridge);
  assert.equal((await api().json<Net>('GET', '/networks/none')).Driver, 'null');
  for (const n of ['bridge', 'host', 'none']) await refused(api().request('DELETE', `/networks/${n}`), 'forbidden', `${n} is a pre-defined network and cannot be removed`);
  await refused(createNet({ Name: 'host' }), 'forbidden', 'operation is not permitted on predefined host network ');
});

test('create, inspect, list filters', async () => {
  const a = await createNet({ Name: 'front', Labels: { tier: 'web' }, Attachable: true });
  assert.deepEqual(a.Warning, '');
  const b = await createNet({
    Name: 'back', Internal: true, Options: { 'com.docker.network.bridge.name': `${bridge}b` },
    IPAM: { Config: [{ Subnet: '10.232.0.0/16', IPRange: '10.232.1.0/24', Gateway: '10.232.0.1', AuxiliaryAddresses: { r: '10.232.0.9' } }] },
  });
  const front = await api().json<Net>('GET', `/networks/${a.Id.slice(0, 10)}`);
  assert.deepEqual([front.Name, front.Driver, front.Scope, front.Attachable, front.Labels], ['front', 'bridge', 'local', true, { tier: 'web' }]);
  assert.deepEqual(front.IPAM.Config, [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }], 'the first pool, since --bip took another subnet');
  const back = await api().json<Net>('GET', '/networks/back', { query: { verbose: '1', scope: 'local' } });
  assert.deepEqual(back.IPAM.Config, [{ Subnet: '10.232.0.0/16', IPRange: '10.232.1.0/24', Gateway: '10.232.0.1', AuxiliaryAddresses: { r: '10.232.0.9' } }]);
  assert.equal(back.Internal, true);
  await refused(api().request('GET', '/networks/back', { query: { scope: 'swarm' } }), 'not-found', 'network back not found');
  const list = async (filters: Record<string, string[]>) => names(await api().json<Net[]>('GET', '/networks', { query: { filters: JSON.stringify(filters) } }));
  assert.deepEqual(await list({ name: ['ron'] }), ['front']);
  assert.deepEqual(await list({ id: [b.Id.slice(0, 12)] }), ['back']);
  assert.deepEqual(await list({ label: ['tier=web'] }), ['front']);
  assert.deepEqual(await list({ driver: ['null'] }), ['none']);
  assert.deepEqual(await list({ type: ['custom'] }), ['back', 'front']);
  assert.deepEqual(await list({ type: ['builtin'] }), ['bridge', 'host', 'none']);
  assert.deepEqual(await list({ dangling: ['true'] }), ['back', 'front']);
  assert.deepEqual(await list({ scope: ['swarm'] }), []);
  await refused(list({ type: ['x'] }), 'invalid-parameter', "invalid filter: 'type'='x'");
  await refused(list({ dangling: ['x'] }), 'invalid-parameter', 'invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
  await refused(list({ foo: ['x'] }), 'invalid-parameter', "invalid filter 'foo'");
});

test('create refusals with dockerd\'s texts', async () => {
  await createNet({ Name: 'taken', IPAM: { Config: [{ Subnet: '10.240.0.0/16' }] } });
  await refused(createNet({ Name: 'taken', CheckDuplicate: true }), 'conflict', 'network with name taken already exists');
  await refused(createNet({ Name: 'o', IPAM: { Config: [{ Subnet: '10.240.5.0/24' }] } }), 'forbidden', 'Pool overlaps with other one on this address space');
  await refused(createNet({ Name: 'o', IPAM: { Config: [{ Subnet: 'bad' }] } }), 'invalid-parameter', 'Invalid subnet bad : invalid CIDR address: bad');
  await refused(createNet({ Name: 'o', IPAM: { Config: [{ Subnet: '10.241.0.0/24', Gateway: '10.242.0.1' }] } }), 'invalid-parameter', 'failed to allocate gateway (10.242.0.1): Requested address is out of range');
  await refused(createNet({ Name: 'o', IPAM: { Config: [{ Subnet: '10.241.0.0/24', IPRange: '10.243.0.0/24' }] } }), 'invalid-parameter', /invalid ip-range 10.243.0.0\/24: it must be within subnet 10.241.0.0\/24/);
  await refused(createNet({ Name: 'o', Driver: 'overlay' }), 'invalid-parameter', /network driver "overlay" is not supported/);
  await refused(createNet({ Name: 'o', Ingress: true }), 'forbidden', 'Ingress network can only be global scope network');
  await refused(createNet({ Name: 'o', EnableIPv6: true }), 'invalid-parameter', /non-overlapping IPv6 address pool/);
  await refused(createNet({ Name: '' }), 'invalid-parameter', 'invalid name: ');
  await refused(createNet({ Name: 'o', Internal: 'yes' }), 'invalid-parameter', 'json: cannot unmarshal string into Go struct field NetworkCreateRequest.Internal of type bool');
  await refused(createNet({ Name: 'o', Options: { 'com.docker.network.bridge.name': bridge } }), 'forbidden', /conflicts with network [0-9a-f]{64} \(bt[0-9a-f]{6}\): networks have same bridge name/);
  const v6 = await createNet({ Name: 'six', EnableIPv6: true, IPAM: { Config: [{ Subnet: '10.244.0.0/24' }, { Subnet: 'fd00:b:e::/64' }] } });
  assert.equal((await api().json<Net>('GET', `/networks/${v6.Id}`)).EnableIPv6, true);
});

test('connect, inspect Containers, disconnect, remove: IPAM and events', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const { Id: net } = await createNet({ Name: 'app', IPAM: { Config: [{ Subnet: '10.250.0.0/24' }] } });
  const one = await createBox('one', {}, ['sleep', '300']);
  const two = await createBox('two', {}, ['sleep', '300']);
  await api().request('POST', '/networks/app/connect', { body: { Container: 'one', EndpointConfig: { Aliases: ['db'] } } });
  await api().request('POST', `/networks/${net}/connect`, { body: { Container: two.slice(0, 12), EndpointConfig: { IPAMConfig: { IPv4Address: '10.250.0.77' } } } });
  // dockerd's Containers are the running ones (active endpoints).
  assert.deepEqual((await api().json<Net>('GET', '/networks/app')).Containers, {});
  for (const c of ['one', 'two']) await api().request('POST', `/containers/${c}/start`);
  const app = await api().json<Net>('GET', '/networks/app');
  assert.deepEqual(app.Containers[one], { Name: 'one', EndpointID: app.Containers[one].EndpointID, MacAddress: '02:42:0a:fa:00:02', IPv4Address: '10.250.0.2/24', IPv6Address: '' });
  assert.match(app.Containers[one].EndpointID, /^[0-9a-f]{64}$/);
  assert.equal(app.Containers[two].IPv4Address, '10.250.0.77/24');
  await refused(api().request('POST', '/networks/app/connect', { body: { Container: 'one' } }), 'forbidden', 'endpoint with name one already exists in network app');
  await refused(api().request('POST', '/networks/app/connect', { body: { Container: 'nope' } }), 'not-found', 'No such container: nope');
  await refused(api().request('POST', '/networks/app/connect', { body: {} }), 'invalid-parameter', 'invalid name or ID supplied: ""');
  await refused(api().request('POST', '/networks/nope/connect', { body: { Container: 'one' } }), 'not-found', 'network nope not found');
  const three = await createBox('three');
  await refused(api().request('POST', '/networks/app/connect', { body: { Container: three, EndpointConfig: { IPAMConfig: { IPv4Address: '10.250.0.77' } } } }), 'conflict', 'Address already in use');
  await refused(api().request('DELETE', '/networks/app'), 'conflict', /has active endpoints \(name:"one" id:"[0-9a-f]{12}", name:"two" id:"[0-9a-f]{12}"\)$/);
  await api().request('POST', '/networks/app/disconnect', { body: { Container: 'one' } });
  await refused(api().request('POST', '/networks/app/disconnect', { body: { Container: 'one' } }), 'invalid-parameter', `container ${one} is not connected to network app`);
  await api().request('DELETE', '/containers/two', { query: { force: '1' } });
  await api().request('DELETE', '/containers/one', { query: { force: '1' } });
  assert.deepEqual((await api().json<Net>('GET', '/networks/app')).Containers, {}, 'a removed container\'s endpoint is released');
  await api().request('DELETE', '/networks/app');
  await api().request('DELETE', '/containers/three');
  const res = await api().request('GET', '/events', { query: { since: String(since), until: String(Math.ceil(Date.now() / 1000) + 1), filters: JSON.stringify({ type: ['network'], network: [net] }) } });
  const events = (await readText(res)).trim().split('\n').map((l) => JSON.parse(l) as Net);
  assert.deepEqual(events.map((e) => [e.Action, e.Actor.Attributes.container === undefined ? '' : e.Actor.Attributes.container.slice(0, 3)]),
    // As dockerd: a stopped container's connect is announced at its start; its run's end
    // announces the networks it is still on.
    [['create', ''], ['connect', one.slice(0, 3)], ['connect', two.slice(0, 3)], ['disconnect', one.slice(0, 3)], ['disconnect', two.slice(0, 3)], ['destroy', '']]);
  assert.deepEqual(events[0]!.Actor.Attributes, { name: 'app', type: 'bridge' });
});

test('connect refuses host, none and shared namespaces', async () => {
  await createBox('on-host', { NetworkMode: 'host' });
  await createBox('on-none', { NetworkMode: 'none' });
  await createNet({ Name: 'side' });
  await refused(api().request('POST', '/networks/side/connect', { body: { Container: 'on-host' } }), 'invalid-parameter', 'container sharing network namespace with another container or host cannot be connected to any other network');
  await refused(api().request('POST', '/networks/side/connect', { body: { Container: 'on-none' } }), 'invalid-parameter', 'container cannot be connected to multiple networks with one of the networks in private (none) mode');
  await refused(api().request('POST', '/networks/host/connect', { body: { Container: 'on-none' } }), 'invalid-parameter', 'container cannot be disconnected from host network or connected to host network');
  await refused(api().request('POST', '/networks/side/connect', { body: { Container: 'on-none', EndpointConfig: { Aliases: 'x' } } }), 'invalid-parameter', /cannot unmarshal string into Go struct field .*Aliases of type \[\]string/);
});

test('addresses and ids survive a berthd restart; prune keeps what is used', async () => {
  await createNet({ Name: 'keep', Labels: { keep: '1' } });
  await createNet({ Name: 'gone' });
  // Containers lists running containers (dockerd's active endpoints): the boxes run.
  await createBox('holder', {}, ['sleep', '300']);
  await api().request('POST', '/networks/keep/connect', { body: { Container: 'holder' } });
  await api().request('POST', '/containers/holder/start');
  const before = await api().json<Net>('GET', '/networks/keep');
  await f.d.stop();
  f.d = await new Berthd({ dir: f.d.dir, args: ['--bridge', bridge, '--bip', '10.231.0.1/24'] }).start();
  if (!(await api().json<{ State: { Running: boolean } }>('GET', '/containers/holder/json')).State.Running) await api().request('POST', '/containers/holder/start');
  const after = await api().json<Net>('GET', '/networks/keep');
  assert.deepEqual(after, before);
  await createBox('next', {}, ['sleep', '300']);
  await api().request('POST', '/networks/keep/connect', { body: { Container: 'next' } });
  await api().request('POST', '/containers/next/start');
  const ips = Object.values((await api().json<Net>('GET', '/networks/keep')).Containers).map((c) => (c as Net).IPv4Address);
  assert.equal(new Set(ips).size, 2);
  const pruned = await api().json<Net>('POST', '/networks/prune', { query: { filters: JSON.stringify({ 'label!': ['nothing'] }) } });
  assert.ok(pruned.NetworksDeleted.includes('gone') && !pruned.NetworksDeleted.includes('keep') && !pruned.NetworksDeleted.includes('bridge'));
  assert.deepEqual(await api().json('POST', '/networks/prune'), { NetworksDeleted: null });
  await refused(api().request('POST', '/networks/prune', { query: { filters: JSON.stringify({ dangling: ['1'] }) } }), 'invalid-parameter', "invalid filter 'dangling'");
});

test('the docker CLI: network create, ls, inspect, connect, disconnect, rm', { skip: requires('docker') }, async () => {
  const ok = async (args: string[]) => {
    const r = await f.docker(args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const id = await ok(['network', 'create', '--subnet', '10.251.0.0/24', '--ip-range', '10.251.0.128/25', '--label', 'x=y', 'cli-net']);
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(await ok(['network', 'ls', '--filter', 'label=x=y', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']), /^cli-net bridge local$/);
  await ok(['create', '--name', 'cli-box', 'busybox', 'sleep', '300']);
  await ok(['network', 'connect', '--ip', '10.251.0.200', '--alias', 'www', 'cli-net', 'cli-box']);
  await ok(['start', 'cli-box']);
  assert.equal(await ok(['network', 'inspect', '--format', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'cli-net']), 'cli-box 10.251.0.200/24');
  await ok(['network', 'disconnect', 'cli-net', 'cli-box']);
  assert.equal(await ok(['network', 'rm', 'cli-net']), 'cli-net');
  await ok(['rm', '-f', 'cli-box']);
  const r = await f.docker(['network', 'rm', 'bridge']);
  assert.match(r.stderr, /bridge is a pre-defined network and cannot be removed/);
});

test('docker-py: networks.create, get, connect, list, remove', { skip: requires('docker-py') }, async () => {
  const script = String.raw`
import docker, json
c = docker.from_env()
n = c.networks.create('py-net', labels={'py': '1'}, ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet='10.252.0.0/24')]))
box = c.containers.create('busybox', 'sleep 300', name='py-box')
n.connect(box, ipv4_address='10.252.0.10')
box.start()
n.reload()
out = {'containers': {v['Name']: v['IPv4Address'] for v in n.attrs['Containers'].values()}, 'listed': [x.name for x in c.networks.list(filters={'label': 'py=1'})]}
n.disconnect(box)
box.remove(force=True)
n.remove()
out['left'] = [x.name for x in c.networks.list(names=['py-net'])]
print(json.dumps(out))
`;
  const r = await run('/usr/bin/python3', ['-c', script], { env: { DOCKER_HOST: f.d.host }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { containers: { 'py-box': '10.252.0.10/24' }, listed: ['py-net'], left: [] });
});

test('API versions: EnableIPv4 from 1.48, inspect Status from 1.52 with exact uint64 counts', async () => {
  await createNet({ Name: 'counted', EnableIPv6: true, IPAM: { Config: [{ Subnet: '10.253.0.0/24', Gateway: '10.253.0.1' }, { Subnet: 'fd00:253::/64', Gateway: 'fd00:253::1' }] } });
  await createBox('c1');
  await createBox('c2');
  for (const c of ['c1', 'c2']) await api().request('POST', '/networks/counted/connect', { body: { Container: c } });
  const old = await api().json<Net>('GET', '/networks/counted');
  assert.ok(!('EnableIPv4' in old) && !('Status' in old));
  const v148 = f.d.client('1.48').api;
  assert.equal((await v148.json<Net>('GET', '/networks/counted')).EnableIPv4, true);
  assert.ok(!('Status' in (await v148.json<Net>('GET', '/networks/counted'))));
  const text = await readText(await f.d.client('1.52').api.request('GET', '/networks/counted'));
  assert.match(text, /"Status":\{"IPAM":\{"Subnets":\{"10\.253\.0\.0\/24":\{"IPsInUse":5,"DynamicIPsAvailable":251\},"fd00:253::\/64":\{"IPsInUse":4,"DynamicIPsAvailable":18446744073709551612\}\}\}\}/);
  assert.ok(!('Status' in (await f.d.client('1.52').api.json<Net[]>('GET', '/networks'))[0]!), 'the list has no Status');
  for (const c of ['c1', 'c2']) await api().request('DELETE', `/containers/${c}`);
  await api().request('DELETE', '/networks/counted');
});

test('20 concurrent connects over the API: 20 distinct addresses, all freed with their containers', async () => {
  await createNet({ Name: 'crowd', IPAM: { Config: [{ Subnet: '10.254.0.0/27' }] } });
  const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => createBox(`crowd${i}`, {}, ['sleep', '300'])));
  await Promise.all(ids.map((id) => api().request('POST', '/networks/crowd/connect', { body: { Container: id } })));
  for (const id of ids) await api().request('POST', `/containers/${id}/start`);
  const members = Object.values((await api().json<Net>('GET', '/networks/crowd')).Containers) as Net[];
  assert.equal(new Set(members.map((m) => m.IPv4Address)).size, 20);
  assert.equal(new Set(members.map((m) => m.MacAddress)).size, 20);
  await Promise.all(ids.map((id) => api().request('DELETE', `/containers/${id}`, { query: { force: '1' } })));
  assert.deepEqual((await api().json<Net>('GET', '/networks/crowd')).Containers, {});
  await api().request('DELETE', '/networks/crowd');
});

test('creates racing the removal of their network: each is made or refused with a 400, never a 500', async () => {
  // The removal may land before a create's plan (a 400), after its record (made: a created
  // container holds no endpoint, so the removal goes on, as dockerd's), or in between (the
  // service's test covers that window: network-service.test.ts).
  for (let round = 0; round < 3; round++) {
    await createNet({ Name: 'racy' });
    const creates = Array.from({ length: 12 }, (_, i) =>
      api().json<{ Id: string }>('POST', '/containers/create', { query: { name: `racy${round}-${i}` }, body: { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'racy' } } }).then(
        (r) => ({ made: r.Id }),
        (err: { kind: string; message: string }) => ({ refused: `${err.kind}: ${err.message}` }),
      ));
    await api().request('DELETE', '/networks/racy');
    for (const o of await Promise.all(creates)) {
      if ('refused' in o) assert.equal(o.refused, 'invalid-parameter: network racy not found');
      else await api().request('DELETE', `/containers/${o.made}`, { query: { force: '1' } });
    }
  }
});

test('a create naming a network or container that is not there is a 400, never a 404 (the docker CLI would pull the image it has)', async () => {
  // Checked through the API: should this regress, the docker CLI would try a pull from Docker Hub.
  const create = (hostConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    api().json('POST', '/containers/create', { body: { Image: 'busybox', Cmd: ['true'], HostConfig: hostConfig, ...extra } });
  await refused(create({ NetworkMode: 'nosuchnet' }), 'invalid-parameter', 'network nosuchnet not found');
  await refused(create({}, { NetworkingConfig: { EndpointsConfig: { nosuchnet2: {} } } }), 'invalid-parameter', 'network nosuchnet2 not found');
  await refused(create({ VolumesFrom: ['nosuchbox'] }), 'invalid-parameter', 'No such container: nosuchbox');
  await refused(create({ Links: ['nosuchbox:al'] }), 'invalid-parameter', 'could not get container for nosuchbox: No such container: nosuchbox');
  await refused(api().json('POST', '/containers/create', { body: { Image: 'nosuch-local:1', Cmd: ['true'] } }), 'not-found', 'No such image: nosuch-local:1');
});
