// Container create with each mount form against a real berthd, and inspect's Mounts as dockerd
// shapes them: Binds (host paths and named volumes, with modes), Mounts (volume, bind, tmpfs),
// Config.Volumes and the image's VOLUMEs (anonymous), VolumesFrom, Tmpfs; and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const f = useBusyboxDaemon({ importChanges: ['VOLUME /imgvol'] });
type Mount = { Type: string; Name?: string; Source: string; Destination: string; Driver?: string; Mode: string; RW: boolean; Propagation: string };
const api = () => f.d.client().api;
const volumePath = (name: string) => join(f.d.dir, 'data', 'volumes', name, '_data');

async function create(body: object, name?: string): Promise<{ Id: string; Mounts: Mount[] }> {
  const { Id } = await api().json<{ Id: string }>('POST', '/containers/create', { ...(name && { query: { name } }), body: { Image: 'busybox', ...body } });
  const c = await api().json<{ Mounts: Mount[] }>('GET', `/containers/${Id}/json`);
  return { Id, Mounts: c.Mounts };
}
const at = (mounts: Mount[], dst: string) => mounts.find((m) => m.Destination === dst);

test('every mount form, as inspect shows it', async () => {
  const host = join(f.dir, 'hostdir');
  mkdirSync(host);
  const c = await create({
    Volumes: { '/anon': {} },
    HostConfig: {
      Binds: [`${host}:/h:ro,rshared`, 'mf-named:/v', `${join(f.dir, 'missing')}:/m`],
      Mounts: [
        { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o700 } },
        { Type: 'volume', Source: 'mf-opts', Target: '/nv', VolumeOptions: { NoCopy: true, Labels: { l: '1' }, DriverConfig: { Options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } } } },
        { Type: 'bind', Source: host, Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rslave' } },
      ],
      Tmpfs: { '/run': 'size=1m' },
    },
  }, 'mf-src');
  assert.deepEqual(at(c.Mounts, '/h'), { Type: 'bind', Source: host, Destination: '/h', Mode: 'ro,rshared', RW: false, Propagation: 'rshared' });
  assert.deepEqual(at(c.Mounts, '/m'), { Type: 'bind', Source: join(f.dir, 'missing'), Destination: '/m', Mode: '', RW: true, Propagation: 'rprivate' });
  assert.deepEqual(at(c.Mounts, '/v'), { Type: 'volume', Name: 'mf-named', Source: volumePath('mf-named'), Destination: '/v', Driver: 'local', Mode: 'z', RW: true, Propagation: '' });
  assert.deepEqual(at(c.Mounts, '/t'), { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' });
  assert.deepEqual(at(c.Mounts, '/nv'), { Type: 'volume', Name: 'mf-opts', Source: volumePath('mf-opts'), Destination: '/nv', Driver: 'local', Mode: 'z', RW: true, Propagation: '' });
  assert.deepEqual(at(c.Mounts, '/b'), { Type: 'bind', Source: host, Destination: '/b', Mode: '', RW: false, Propagation: 'rslave' });
  for (const dst of ['/anon', '/imgvol']) {
    const m = at(c.Mounts, dst)!;
    assert.match(m.Name!, /^[a-f0-9]{64}$/, `${dst}: an anonymous volume`);
    assert.deepEqual(m, { Type: 'volume', Name: m.Name, Source: volumePath(m.Name!), Destination: dst, Driver: 'local', Mode: '', RW: true, Propagation: '' });
  }
  assert.equal(at(c.Mounts, '/run'), undefined, 'HostConfig.Tmpfs is not listed, as dockerd');
  assert.equal(c.Mounts.length, 8);
  const opts = await api().json<{ Options: object; Labels: object }>('GET', '/volumes/mf-opts');
  assert.deepEqual(opts.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' });
  assert.deepEqual(opts.Labels, { l: '1' });
  const list = await api().json<{ Names: string[]; Mounts: Mount[] }[]>('GET', '/containers/json', { query: { all: '1', filters: '{"name":["mf-src"]}' } });
  assert.equal(list[0]?.Mounts.length, 8, 'the list shows the mounts too');
  for (const v of ['mf-named', '/nv', host]) {
    const hits = await api().json<{ Names: string[] }[]>('GET', '/containers/json', { query: { all: '1', filters: JSON.stringify({ volume: [v] }) } });
    assert.deepEqual(hits.map((h) => h.Names[0]), ['/mf-src'], `volume=${v}`);
  }
});

test('--volumes-from: the mounts of another container, read-only on request', async () => {
  const src = await create({ HostConfig: { Binds: ['vf-named:/v'] } }, 'vf-src');
  const ro = await create({ HostConfig: { VolumesFrom: ['vf-src:ro'], Binds: ['vf-named:/x:ro'] } });
  const inherited = ro.Mounts.filter((m) => m.Destination !== '/x');
  assert.equal(inherited.length, src.Mounts.length);
  for (const m of inherited) assert.deepEqual(m, { ...at(src.Mounts, m.Destination), Mode: '', RW: false });
  assert.deepEqual(at(ro.Mounts, '/x'), { Type: 'volume', Name: 'vf-named', Source: volumePath('vf-named'), Destination: '/x', Driver: 'local', Mode: 'ro', RW: false, Propagation: '' });
  const rw = await create({ HostConfig: { VolumesFrom: ['vf-src'] } });
  assert.equal(at(rw.Mounts, '/v')?.RW, true);
  assert.equal(at(rw.Mounts, '/imgvol')?.Name, at(src.Mounts, '/imgvol')?.Name, 'the same anonymous volume, not a new one');
});

test('refusals, as dockerd words them', async () => {
  const refused = (hc: object, re: RegExp) => assert.rejects(create({ HostConfig: hc }), re);
  await refused({ Binds: ['rf1:/x', 'rf2:/x'] }, /Duplicate mount point: \/x/);
  await refused({ Binds: ['rf1:/x'], Mounts: [{ Type: 'volume', Target: '/x' }] }, /Duplicate mount point: \/x/);
  await refused({ Binds: ['rf1:/x'], Tmpfs: { '/x': '' } }, /Duplicate mount point: \/x/);
  await refused({ Mounts: [{ Type: 'bind', Source: '/nonexistent-berth-path', Target: '/x' }] }, /invalid mount config for type "bind": bind source path does not exist: \/nonexistent-berth-path/);
  await refused({ Mounts: [{ Type: 'tmpfs', Source: 'foo', Target: '/x' }] }, /invalid mount config for type "tmpfs": field Source must not be specified/);
  await refused({ Mounts: [{ Type: 'volume', Source: '/abs', Target: '/x' }] }, /create \/abs: "\/abs" includes invalid characters for a local volume name/);
  await refused({ Binds: ['rf1:/x:bogus'] }, /invalid mode: bogus/);
  await refused({ Binds: ['rf1:rel'] }, /invalid volume specification: 'rf1:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute/);
  await refused({ VolumesFrom: ['nosuch'] }, /No such container: nosuch/);
  await refused({ Binds: ['rf1:/x'], VolumeDriver: 'nope' }, /create rf1: error looking up volume plugin nope: plugin "nope" not found/);
  const left = await api().json<{ Volumes: { Name: string }[] }>('GET', '/volumes', { query: { filters: '{"name":["^rf"]}' } });
  assert.deepEqual(left.Volumes, [], 'a refused create makes no volume');
});
