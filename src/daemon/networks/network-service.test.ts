// The service against a real store (SQLite files in a temporary directory) with a recording
// driver and hooks in place of the kernel side.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../../store/database.ts';
import { EndpointsTable, NetworksTable } from '../../store/networks.ts';
import { EventsTable } from '../../store/events.ts';
import { EventsService } from '../events/events-service.ts';
import { createLogger } from '../../lib/logger.ts';
import { notFound } from '../../api/types/errors.ts';
import type { ContainerRow, ContainerStatus } from '../../store/containers.ts';
import { DEFAULT_POOLS } from './addresses.ts';
import { NetworkService } from './network-service.ts';
import { ensurePredefined, type BridgeSettings } from './predefined.ts';
import type { EndpointRecord, NetworkRow } from './types.ts';

let dir: string;
let db: Database;
let svc: NetworkService;
let calls: string[];
const containers = new Map<string, ContainerRow>();
const logger = createLogger('error', () => undefined);
const settings: BridgeSettings = { bridge: 'bt0', bip: undefined, fixedCidr: undefined, pools: DEFAULT_POOLS, mtu: 1500, icc: true, ipMasq: true };

function open(): NetworkService {
  db = new Database(join(dir, 'berth.db'));
  const networks = new NetworksTable(db);
  const endpoints = new EndpointsTable(db);
  ensurePredefined({ networks, endpoints }, settings, [], logger);
  const record = (what: string) => async (id: string, n: NetworkRow, ep?: EndpointRecord) => {
    await sleep(Math.random() * 5); // interleave concurrent calls
    calls.push([what, id, n.name, ep?.address].filter(Boolean).join(' '));
  };
  return new NetworkService({
    db, networks, endpoints, events: new EventsService(new EventsTable(db)), logger,
    driver: { create: (n) => record('create')('', n), remove: (n) => record('remove')('', n) },
    hooks: { connect: record('connect'), disconnect: record('disconnect'), changed: async (id) => void calls.push(`changed ${id}`) },
    containers: { resolve: (x) => containers.get(x) ?? [...containers.values()].find((c) => c.name === `/${x}`) ?? (() => { throw notFound(`No such container: ${x}`); })() },
    pools: () => DEFAULT_POOLS, hostRoutes: async () => [{ dst: '172.19.0.0/16' }], netnsName: (id) => `berth-t${id}`,
  });
}

function container(id: string, status: ContainerStatus = 'running', mode = 'bridge'): ContainerRow {
  const c = { id, name: `/${id}`, status, hostConfig: { NetworkMode: mode } } as unknown as ContainerRow;
  containers.set(id, c);
  return c;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-netsvc-'));
  calls = [];
  containers.clear();
  svc = open();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('predefined networks: made once, ids kept, the bridge on the first free pool', () => {
  const ids = svc.all().map((n) => `${n.name}:${n.id}`);
  assert.deepEqual(svc.all().map((n) => n.name).sort(), ['bridge', 'host', 'none']);
  assert.deepEqual(svc.defaultBridge()!.ipam.Config, [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }]);
  db.close();
  svc = open();
  assert.deepEqual(svc.all().map((n) => `${n.name}:${n.id}`), ids);
});

test('create picks the next pool subnet, skipping routed ones, and calls the driver', async () => {
  const { Id } = await svc.create({ Name: 'a' });
  assert.deepEqual(svc.resolve(Id).ipam.Config, [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);
  const b = await svc.create({ Name: 'b' });
  assert.equal(svc.resolve(b.Id).ipam.Config[0]!.Subnet, '172.20.0.0/16', '172.19 is routed on the host');
  assert.deepEqual(calls, ['create a', 'create b']);
  assert.equal(svc.resolve(Id.slice(0, 6)).name, 'a');
});

test('a driver failure leaves no network behind', async () => {
  svc.deps.driver.create = async () => {
    throw new Error('no bridge today');
  };
  await assert.rejects(svc.create({ Name: 'x' }), /no bridge today/);
  assert.throws(() => svc.resolve('x'), /network x not found/);
});

test('20 concurrent connects get 20 distinct addresses; hooks only for running containers', async () => {
  const { Id } = await svc.create({ Name: 'n', IPAM: { Config: [{ Subnet: '10.77.0.0/24' }] } });
  const ids = Array.from({ length: 20 }, (_, i) => container(`c${i}`, i % 2 ? 'running' : 'created').id);
  await Promise.all(ids.map((id) => svc.connect('n', id, {})));
  const addrs = ids.map((id) => svc.endpointsOf(id)[0]!.address);
  assert.equal(new Set(addrs).size, 20);
  assert.ok(!addrs.includes('10.77.0.1'), 'the gateway is nobody\'s');
  assert.deepEqual([...addrs].sort(), Array.from({ length: 20 }, (_, i) => `10.77.0.${i + 2}`).sort());
  assert.equal(calls.filter((c) => c.startsWith('connect')).length, 10);
  assert.equal(calls.filter((c) => c.startsWith('changed')).length, 10);
  assert.equal(svc.endpointsIn(Id).length, 20);
});

test('released addresses are given again; addresses survive a reopen of the store', async () => {
  await svc.create({ Name: 'n', IPAM: { Config: [{ Subnet: '10.77.0.0/24' }] } });
  for (const id of ['a', 'b', 'c']) await svc.connect('n', container(id).id, {});
  await svc.disconnect('n', 'b', false);
  db.close();
  svc = open(); // as after a crash: only what was committed
  await svc.connect('n', container('d').id, {});
  await svc.connect('n', container('e').id, {});
  const of = (id: string) => svc.endpointsOf(id)[0]!.address;
  assert.deepEqual(['a', 'c', 'd', 'e'].map(of), ['10.77.0.2', '10.77.0.4', '10.77.0.3', '10.77.0.5']);
});

test('the store refuses one address twice whatever the caller does', async () => {
  const { Id } = await svc.create({ Name: 'n', IPAM: { Config: [{ Subnet: '10.77.0.0/24' }] } });
  const ep = svc.allocate(container('a'), svc.resolve(Id), {});
  const t = new EndpointsTable(db);
  assert.throws(() => t.insert({ record: { ...ep, containerId: 'other' }, config: {} }), /UNIQUE constraint failed: endpoints.network_id, endpoints.address/);
});

test('asked addresses and MACs: dockerd\'s refusals', async () => {
  await svc.create({ Name: 'n', IPAM: { Config: [{ Subnet: '10.80.0.0/24', Gateway: '10.80.0.1', AuxiliaryAddresses: { r: '10.80.0.9' } }] } });
  await svc.create({ Name: 'auto' });
  container('a');
  container('b');
  await svc.connect('n', 'a', { IPAMConfig: { IPv4Address: '10.80.0.77' }, MacAddress: '02:00:00:00:00:01', Aliases: ['web'] });
  const ep = svc.endpointsOf('a')[0]!;
  assert.deepEqual([ep.address, ep.mac, ep.aliases, ep.ifIndex, ep.netns], ['10.80.0.77', '02:00:00:00:00:01', ['web'], 0, 'berth-ta']);
  for (const ip of ['10.80.0.77', '10.80.0.1', '10.80.0.9', '10.80.0.0', '10.80.0.255']) {
    await assert.rejects(svc.connect('n', 'b', { IPAMConfig: { IPv4Address: ip } }), { kind: 'conflict', message: 'Address already in use' }, ip);
  }
  await assert.rejects(svc.connect('n', 'b', { IPAMConfig: { IPv4Address: '10.99.0.9' } }), { kind: 'invalid-parameter', message: "Invalid address 10.99.0.9: It does not belong to any of this network's subnets" });
  await assert.rejects(svc.connect('n', 'b', { IPAMConfig: { IPv4Address: 'bad' } }), { kind: 'invalid-parameter', message: 'Invalid IPv4 address: bad' });
  await assert.rejects(svc.connect('auto', 'b', { IPAMConfig: { IPv4Address: '172.18.0.9' } }), /supported only when connecting to networks with user configured subnets/);
  await assert.rejects(svc.connect('bridge', 'b', { IPAMConfig: { IPv4Address: '172.17.0.9' } }), /supported on user defined networks only/);
  await assert.rejects(svc.connect('n', 'a', {}), { kind: 'forbidden', message: 'endpoint with name a already exists in network n' });
  await svc.connect('auto', 'a', {});
  assert.deepEqual(svc.endpointsOf('a').map((e) => [e.ifIndex, e.mac]), [[0, '02:00:00:00:00:01'], [1, '02:42:ac:12:00:02']]);
  assert.equal(svc.endpointsOf('b').length, 0, 'refused connects leave nothing');
  assert.deepEqual(svc.endpointConfig('a', svc.resolve('n').id), { IPAMConfig: { IPv4Address: '10.80.0.77' }, MacAddress: '02:00:00:00:00:01', Aliases: ['web'] });
  assert.deepEqual(svc.addressing(svc.resolve('n')), { ipv4: { subnet: '10.80.0.0/24', prefix: 24, gateway: '10.80.0.1' } });
  assert.deepEqual(svc.addressing(svc.resolve('auto')), { ipv4: { subnet: '172.18.0.0/16', prefix: 16, gateway: '172.18.0.1' } });
});

test('host, none and shared namespaces', async () => {
  container('h', 'created', 'host');
  container('z', 'created', 'none');
  container('s', 'created', 'container:abc');
  await svc.create({ Name: 'n' });
  await assert.rejects(svc.connect('n', 'h', {}), /sharing network namespace with another container or host/);
  await assert.rejects(svc.connect('n', 's', {}), /sharing network namespace/);
  await assert.rejects(svc.connect('n', 'z', {}), /one of the networks in private \(none\) mode/);
  await assert.rejects(svc.connect('host', 'z', {}), /connected to host network/);
  await assert.rejects(svc.disconnect('host', 'h', false), /disconnected from host network/);
});

test('a failing connect hook undoes the endpoint; remove refuses while running containers are on it', async () => {
  await svc.create({ Name: 'n' });
  container('a');
  svc.deps.hooks.connect = async () => {
    throw new Error('veth failed');
  };
  await assert.rejects(svc.connect('n', 'a', {}), /veth failed/);
  assert.equal(svc.endpointsOf('a').length, 0);
  container('b', 'exited');
  await svc.connect('n', 'b', {});
  container('b', 'running');
  await assert.rejects(svc.remove('n'), { kind: 'conflict', message: /^error while removing network: network n id [0-9a-f]{64} has active endpoints \(name:"b" id:"b"\)$/ });
  await assert.rejects(svc.disconnect('n', 'a', false), /container a is not connected to network n/);
  svc.deps.hooks.disconnect = async () => undefined;
  await svc.disconnect('n', 'b', false);
  await svc.remove('n');
  assert.ok(calls.includes('remove n'));
  await assert.rejects(svc.remove('bridge'), { kind: 'forbidden', message: 'bridge is a pre-defined network and cannot be removed' });
});

test('an endpoint for a network removed since it was looked up: not found, not a broken foreign key', async () => {
  // A create plans its networks, then awaits its layer before recording them; a removal in
  // between found the network unused (created containers hold no endpoint yet).
  await svc.create({ Name: 'gone' });
  const planned = svc.resolve('gone');
  await svc.remove('gone');
  assert.throws(() => svc.allocate(container('late', 'created'), planned, { aliases: [] }), { kind: 'not-found', message: 'network gone not found' });
  assert.equal(svc.endpointsOf('late').length, 0);
});

test('--bridge none drops an unused default bridge; --bip replaces its subnet', () => {
  db.close();
  Object.assign(settings, { bip: '10.123.0.1/24', fixedCidr: '10.123.0.128/25' });
  svc = open();
  assert.deepEqual(svc.defaultBridge()!.ipam.Config, [{ Subnet: '10.123.0.0/24', IPRange: '10.123.0.128/25', Gateway: '10.123.0.1' }]);
  db.close();
  Object.assign(settings, { bridge: 'none', bip: undefined, fixedCidr: undefined });
  svc = open();
  assert.equal(svc.defaultBridge(), undefined);
  settings.bridge = 'bt0';
});

test('IPv6 networks: each endpoint gets an address of both families, asked or the next free', async () => {
  await svc.create({ Name: 'six', EnableIPv6: true, IPAM: { Config: [{ Subnet: '10.66.0.0/24' }, { Subnet: 'fd00:66::/64', Gateway: 'fd00:66::1' }] } });
  container('a');
  container('b');
  await svc.connect('six', 'a', {});
  await svc.connect('six', 'b', { IPAMConfig: { IPv6Address: 'FD00:66:0:0::99' } });
  assert.deepEqual(['a', 'b'].map((id) => [svc.endpointsOf(id)[0]!.address, svc.endpointsOf(id)[0]!.ipv6Address]), [['10.66.0.2', 'fd00:66::2'], ['10.66.0.3', 'fd00:66::99']]);
  container('c');
  await assert.rejects(svc.connect('six', 'c', { IPAMConfig: { IPv6Address: 'fd00:66::99' } }), { message: 'Address already in use' });
  assert.deepEqual(svc.addressing(svc.resolve('six')).ipv6, { subnet: 'fd00:66::/64', prefix: 64, gateway: 'fd00:66::1' });
});

test('the default bridge avoids subnets routed on the host, but not the route of its own bridge', () => {
  const networks = new NetworksTable(db);
  const endpoints = new EndpointsTable(db);
  networks.delete(svc.defaultBridge()!.id);
  ensurePredefined({ networks, endpoints }, { ...settings, bridge: 'bt1' }, [{ dst: '172.17.0.0/16', dev: 'eth9' }, { dst: '172.18.0.0/16', dev: 'bt1' }], logger);
  assert.equal(svc.defaultBridge()!.ipam.Config[0]!.Subnet, '172.18.0.0/16');
  assert.equal(svc.defaultBridge()!.bridge, 'bt1');
});
