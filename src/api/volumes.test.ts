// Volumes through the API against a real berthd: create (and create again), inspect, list with
// each filter, removal (404, force, 409 while a container uses one), prune (anonymous only, or
// all; all before API 1.42), /system/df's UsageData, and events — texts as dockerd's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { Berthd } from '../testing/berthd-harness.ts';
import { isMountRoot } from '../image/layers/mount.ts';

const f = useBusyboxDaemon();
type Volume = { Name: string; Driver: string; Mountpoint: string; Labels: Record<string, string> | null; Options: Record<string, string> | null; Scope: string; CreatedAt: string };
const api = () => f.d.client().api;
const names = async (filters?: object) =>
  (await api().json<{ Volumes: Volume[] }>('GET', '/volumes', { query: filters ? { filters: JSON.stringify(filters) } : {} })).Volumes.map((v) => v.Name).sort();

test('create, create again, inspect and list', async () => {
  const v = await api().json<Volume>('POST', '/volumes/create', { body: { Name: 'data1', Labels: { team: 'blue' } } });
  assert.equal(v.Name, 'data1');
  assert.equal(v.Driver, 'local');
  assert.equal(v.Scope, 'local');
  assert.equal(v.Mountpoint, join(f.d.dir, 'data', 'volumes', 'data1', '_data'));
  assert.ok(existsSync(v.Mountpoint));
  assert.deepEqual(v.Labels, { team: 'blue' });
  assert.equal(v.Options, null);
  assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // dockerd hands back the volume that exists, its labels unchanged.
  const again = await api().json<Volume>('POST', '/volumes/create', { body: { name: 'data1', Labels: { other: 'x' } } });
  assert.deepEqual(again, v);
  assert.deepEqual(await api().json('GET', '/volumes/data1'), v);
  const anon = await api().json<Volume>('POST', '/volumes/create', { body: {} });
  assert.match(anon.Name, /^[a-f0-9]{64}$/);
  const list = await api().json<{ Volumes: Volume[]; Warnings: unknown }>('GET', '/volumes');
  assert.equal(list.Warnings, null);
  assert.ok(list.Volumes.some((x) => x.Name === 'data1'));
  await api().json('DELETE', `/volumes/${anon.Name}`);
});

test('refusals with dockerd texts', async () => {
  const create = (body: object) => api().json('POST', '/volumes/create', { body });
  await assert.rejects(create({ Name: 'a' }), { kind: 'invalid-parameter', message: /create a: volume name is too short, names should be at least two alphanumeric characters/ } as object);
  await assert.rejects(create({ Name: 'a/b' }), /create a\/b: "a\/b" includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed\. If you intended to pass a host directory, use absolute path/);
  await assert.rejects(create({ Name: 'p1', Driver: 'foo' }), /create p1: error looking up volume plugin foo: plugin "foo" not found/);
  await assert.rejects(create({ Name: 'p1', DriverOpts: { type: 'tmpfs' } }), /create p1: missing required option: "device"/);
  await assert.rejects(create({ Name: 'p1', DriverOpts: { foo: 'x' } }), /create p1: invalid option: "foo"/);
  await assert.rejects(api().json('GET', '/volumes/nosuch'), /get nosuch: no such volume/);
  await assert.rejects(api().json('DELETE', '/volumes/nosuch'), /get nosuch: no such volume/);
  await api().request('DELETE', '/volumes/nosuch', { query: { force: '1' } }).then((r) => assert.equal(r.statusCode, 204));
  await assert.rejects(api().json('GET', '/volumes', { query: { filters: '{"bogus":["x"]}' } }), /invalid filter 'bogus'/);
  await assert.rejects(api().json('GET', '/volumes', { query: { filters: '{"dangling":["maybe"]}' } }), /invalid filter 'dangling=maybe'/);
  await assert.rejects(create({ Name: 5 }), /json: cannot unmarshal number into Go struct field CreateOptions.Name of type string/);
});

test('list filters: name, label, driver, dangling', async () => {
  await api().json('POST', '/volumes/create', { body: { Name: 'flt-used', Labels: { role: 'db', tier: 'a' } } });
  await api().json('POST', '/volumes/create', { body: { Name: 'flt-free', Labels: { role: 'cache' } } });
  await api().json('POST', '/containers/create', { query: { name: 'flt-user' }, body: { Image: 'busybox', HostConfig: { Binds: ['flt-used:/data'] } } });
  assert.deepEqual(await names({ name: ['flt-'] }), ['flt-free', 'flt-used']);
  assert.deepEqual(await names({ name: ['^flt-u'] }), ['flt-used']);
  assert.deepEqual(await names({ name: ['flt-'], label: ['role=db'] }), ['flt-used']);
  assert.deepEqual(await names({ name: ['flt-'], label: ['role'] }), ['flt-free', 'flt-used']);
  assert.deepEqual(await names({ name: ['flt-'], driver: ['local'] }), ['flt-free', 'flt-used']);
  assert.deepEqual(await names({ name: ['flt-'], driver: ['other'] }), []);
  assert.deepEqual(await names({ name: ['flt-'], dangling: ['true'] }), ['flt-free']);
  assert.deepEqual(await names({ name: ['flt-'], dangling: ['0'] }), ['flt-used']);
});

test('a volume in use is refused removal (409) until its container goes', async () => {
  await api().json('POST', '/volumes/create', { body: { Name: 'busy' } });
  const c = await api().json<{ Id: string }>('POST', '/containers/create', { body: { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'volume', Source: 'busy', Target: '/b' }] } } });
  await assert.rejects(api().json('DELETE', '/volumes/busy'), { kind: 'conflict', message: `remove busy: volume is in use - [${c.Id}]` } as object);
  await assert.rejects(api().json('DELETE', '/volumes/busy', { query: { force: '1' } }), { kind: 'conflict' } as object);
  await api().json('DELETE', `/containers/${c.Id}`);
  await api().json('DELETE', '/volumes/busy');
  await assert.rejects(api().json('GET', '/volumes/busy'), /no such volume/);
});

test('prune: unused anonymous volumes; named ones with all=true, or below API 1.42', async () => {
  const c = await api().json<{ Id: string }>('POST', '/containers/create', { body: { Image: 'busybox', Volumes: { '/anon': {} } } });
  const anon = (await api().json<{ Mounts: { Name: string }[] }>('GET', `/containers/${c.Id}/json`)).Mounts[0]!.Name;
  const inspected = await api().json<Volume>('GET', `/volumes/${anon}`);
  assert.deepEqual(inspected.Labels, { 'com.docker.volume.anonymous': '' });
  await api().json('POST', '/volumes/create', { body: { Name: 'prn-named' } });
  await api().json('POST', '/volumes/create', { body: { Name: 'prn-keep', Labels: { keep: '1' } } });
  const first = await api().json<{ VolumesDeleted: string[] | null }>('POST', '/volumes/prune');
  assert.ok(!first.VolumesDeleted?.includes(anon), 'in use: kept');
  assert.ok(!first.VolumesDeleted?.includes('prn-named'), 'named: kept without all');
  await api().json('DELETE', `/containers/${c.Id}`);
  const second = await api().json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune');
  assert.deepEqual(second.VolumesDeleted, [anon]);
  const all = await api().json<{ VolumesDeleted: string[] | null }>('POST', '/volumes/prune', { query: { filters: JSON.stringify({ all: ['true'], 'label!': ['keep'] }) } });
  assert.ok(all.VolumesDeleted?.includes('prn-named'));
  assert.ok(!all.VolumesDeleted?.includes('prn-keep'));
  const old = await f.d.client('1.41').api.json<{ VolumesDeleted: string[] | null }>('POST', '/volumes/prune');
  assert.ok(old.VolumesDeleted?.includes('prn-keep'), 'API 1.41 prunes named volumes too');
  assert.equal((await api().json<{ VolumesDeleted: unknown }>('POST', '/volumes/prune', { query: { filters: '{"all":["1"]}' } })).VolumesDeleted, null);
});

test('/system/df shows each volume with Size and RefCount', async () => {
  await api().json('POST', '/volumes/create', { body: { Name: 'df-vol' } });
  const du = await f.d.client('1.51').api.json<{ Volumes: (Volume & { UsageData: { Size: number; RefCount: number } })[] }>('GET', '/system/df');
  const v = du.Volumes.find((x) => x.Name === 'df-vol');
  assert.deepEqual(v?.UsageData, { Size: 0, RefCount: 0 });
  const used = du.Volumes.find((x) => x.Name === 'flt-used');
  assert.equal(used?.UsageData.RefCount, 1);
});

test('events: create and destroy', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  await api().json('POST', '/volumes/create', { body: { Name: 'ev-vol' } });
  await api().json('DELETE', '/volumes/ev-vol');
  const res = await api().request('GET', '/events', { query: { since: String(since), until: String(Math.ceil(Date.now() / 1000) + 1), filters: '{"type":["volume"]}' } });
  const text = await new Response(res as unknown as ReadableStream).text();
  const ev = text.trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } });
  const mine = ev.filter((e) => e.Actor.ID === 'ev-vol').map((e) => e.Action);
  assert.deepEqual(mine, ['create', 'destroy']);
  assert.equal(ev.find((e) => e.Actor.ID === 'ev-vol')?.Actor.Attributes.driver, 'local');
});

test('volumes and their data survive a berthd restart; an option volume left mounted with no user is unmounted', async () => {
  const kept = await api().json<Volume>('POST', '/volumes/create', { body: { Name: 'rs-data', Labels: { k: 'v' } } });
  writeFileSync(join(kept.Mountpoint, 'f'), 'kept\n');
  const opt = await api().json<Volume>('POST', '/volumes/create', { body: { Name: 'rs-tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } } });
  await f.d.kill();
  // What a daemon killed while a container used it leaves behind.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', opt.Mountpoint]);
  f.d = await new Berthd({ dir: f.d.dir }).start();
  assert.ok(!isMountRoot(opt.Mountpoint), 'unmounted at start');
  assert.deepEqual(await api().json('GET', '/volumes/rs-data'), kept);
  assert.equal(readFileSync(join(kept.Mountpoint, 'f'), 'utf8'), 'kept\n');
});
