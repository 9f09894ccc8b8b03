// The volumes attachment against real things: a data-root in a temporary directory, a real
// unpacked rootfs to copy up from, real tmpfs mounts for option volumes, and the store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../store/database.ts';
import { ContainersTable, type ContainerRow } from '../../store/containers.ts';
import { VolumesTable } from '../../store/volumes.ts';
import { ImagesTable } from '../../store/images.ts';
import { EventsTable } from '../../store/events.ts';
import { EventsService } from '../events/events-service.ts';
import { LocalDriver } from '../../volume/local-driver.ts';
import { isMountRoot } from '../../image/layers/mount.ts';
import { createLogger } from '../../lib/logger.ts';
import { requires } from '../../testing/requires.ts';
import { VolumeService } from './volume-service.ts';
import { VolumeAttachment } from './volume-attachment.ts';
import { resolveMounts } from '../containers/container-mounts.ts';

const skip = requires('root');
let dir: string;
let db: Database;
let volumes: VolumeService;
let events: EventsService;
let attachment: VolumeAttachment;
const rootfs = () => join(dir, 'rootfs');

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'berth-volatt-'));
  // The image's /data: a file of another owner, a private subdirectory, a link.
  mkdirSync(join(rootfs(), 'data', 'sub'), { recursive: true });
  writeFileSync(join(rootfs(), 'data', 'f'), 'from the image\n');
  chownSync(join(rootfs(), 'data', 'f'), 1000, 1001);
  chmodSync(join(rootfs(), 'data', 'f'), 0o640);
  chmodSync(join(rootfs(), 'data', 'sub'), 0o750);
  chownSync(join(rootfs(), 'data'), 33, 33);
  chmodSync(join(rootfs(), 'data'), 0o770);
  symlinkSync('f', join(rootfs(), 'data', 'link'));
  db = new Database(join(dir, 'berth.db'));
  events = new EventsService(new EventsTable(db));
  const logger = createLogger('error');
  volumes = new VolumeService({ table: new VolumesTable(db), containers: new ContainersTable(db), driver: new LocalDriver(join(dir, 'volumes')), events, logger });
  attachment = new VolumeAttachment({ volumes, events, logger, rootfs: async () => rootfs() });
});
after(() => {
  if (skip) return;
  db.close();
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) assert.ok(!line.includes(dir), `left mounted: ${line}`);
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function container(config: object, hostConfig: object): ContainerRow {
  const mounts = resolveMounts(config, hostConfig, { volumes, container: () => assert.fail('no volumes-from here') });
  const id = `${++n}`.padStart(64, '0');
  return { id, name: `/c${n}`, config, hostConfig, mounts } as unknown as ContainerRow;
}

test('copy-up: an empty new volume gets the image content once, owners and modes kept', { skip }, async () => {
  const c = container({ Volumes: { '/data': {} } }, {});
  const { mounts } = await attachment.setUp(c);
  const name = c.mounts![0]!.Name!;
  const data = volumes.deps.driver.path(name);
  assert.deepEqual(mounts, [{ destination: '/data', type: 'bind', source: data, options: ['rbind', 'rprivate'] }]);
  assert.equal(readFileSync(join(data, 'f'), 'utf8'), 'from the image\n');
  const f = lstatSync(join(data, 'f'));
  assert.deepEqual([f.uid, f.gid, f.mode & 0o7777], [1000, 1001, 0o640]);
  assert.equal(lstatSync(join(data, 'sub')).mode & 0o7777, 0o750);
  const root = lstatSync(data);
  assert.deepEqual([root.uid, root.gid, root.mode & 0o7777], [33, 33, 0o770], "the directory's own owner and mode too");
  assert.equal(readlinkSync(join(data, 'link')), 'f');
  attachment.runStarted(c);
  attachment.runEnded(c);
  await attachment.tearDown(c);
  rmSync(join(data, 'f'));
  await attachment.setUp(c);
  assert.ok(!existsSync(join(data, 'f')), 'a volume with content is not filled again');
  await attachment.tearDown(c);
  const actions = events.history(0n).filter((e) => e.actorId === name).map((e) => e.action);
  assert.deepEqual(actions, ['create', 'mount', 'unmount'], 'a run announces the mount and unmount; a set-up and tear-down alone (a prepared start dropped) do not');
});

test('no copy-up with NoCopy, nor into binds; -v makes a missing host directory', { skip }, async () => {
  const host = join(dir, 'host-empty');
  mkdirSync(host);
  const missing = join(dir, 'made', 'by', 'start');
  const c = container({}, {
    Binds: [`${host}:/data`, `${missing}:/m:ro`],
    Mounts: [{ Type: 'volume', Target: '/other', VolumeOptions: { NoCopy: true } }, { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 2048, Mode: 0o1777 } }],
    Tmpfs: { '/run': 'size=1m,exec' },
  });
  const { mounts } = await attachment.setUp(c);
  assert.deepEqual(readdirSync(host), []);
  assert.ok(lstatSync(missing).isDirectory());
  const byDst = Object.fromEntries(mounts.map((m) => [m.destination, m]));
  assert.deepEqual(byDst['/m']?.options, ['rbind', 'ro', 'rprivate']);
  assert.deepEqual(byDst['/t'], { destination: '/t', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=2k', 'mode=1777'] });
  assert.deepEqual(byDst['/run']?.options, ['nosuid', 'nodev', 'rprivate', 'size=1m', 'exec']);
  const nocopy = c.mounts!.find((m) => m.Destination === '/other')!;
  assert.deepEqual(readdirSync(nocopy.Source), []);
  await attachment.tearDown(c);
});

test('an option volume is mounted at its first user and unmounted after its last', { skip }, async () => {
  volumes.create({ Name: 'tmpvol', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } });
  const path = volumes.deps.driver.path('tmpvol');
  const a = container({}, { Binds: ['tmpvol:/data'] });
  const b = container({}, { Mounts: [{ Type: 'volume', Source: 'tmpvol', Target: '/data', ReadOnly: true }] });
  assert.ok(!isMountRoot(path));
  await attachment.setUp(a);
  assert.ok(isMountRoot(path), 'mounted for the first container');
  assert.ok(existsSync(join(path, 'f')), 'copied up into the fresh tmpfs');
  const { mounts } = await attachment.setUp(b);
  assert.deepEqual(mounts[0]?.options, ['rbind', 'ro', 'rprivate']);
  await attachment.tearDown(a);
  assert.ok(isMountRoot(path), 'still used by the second');
  await attachment.tearDown(b);
  assert.ok(!isMountRoot(path), 'unmounted after the last');
  await attachment.tearDown(b); // idempotent
  await attachment.adopt(a);
  assert.ok(isMountRoot(path), 'adopt mounts it again for a running container');
  await attachment.tearDown(a);
  assert.ok(!isMountRoot(path));
});

test('removal takes anonymous volumes only when asked (rm -v, AutoRemove)', { skip }, async () => {
  const c = container({ Volumes: { '/anon': {} } }, { Binds: ['keepme:/named'] });
  const anon = c.mounts!.find((m) => m.Destination === '/anon')!.Name!;
  await attachment.removed(c, { removeVolumes: false });
  assert.ok(volumes.deps.table.get(anon));
  await attachment.removed(c, { removeVolumes: true });
  assert.equal(volumes.deps.table.get(anon), undefined);
  assert.ok(!existsSync(join(dir, 'volumes', anon)));
  assert.ok(volumes.deps.table.get('keepme'), 'named volumes stay');
  const auto = container({ Volumes: { '/anon': {} } }, { AutoRemove: true });
  await attachment.removed(auto, { removeVolumes: false });
  assert.equal(volumes.deps.table.get(auto.mounts![0]!.Name!), undefined);
});

test('Subpath: a directory inside the volume, never out of it, never copied into', { skip }, async () => {
  volumes.create({ Name: 'subvol' });
  const data = volumes.deps.driver.path('subvol');
  mkdirSync(join(data, 'app', 'conf'), { recursive: true });
  symlinkSync('../../../../..', join(data, 'app', 'out'));
  const c = container({}, { Mounts: [
    { Type: 'volume', Source: 'subvol', Target: '/conf', VolumeOptions: { Subpath: 'app/conf' } },
    { Type: 'volume', Source: 'subvol', Target: '/data', VolumeOptions: { Subpath: 'app/out' } },
  ] });
  assert.equal(c.mounts![0]!.copyData, false);
  const { mounts } = await attachment.setUp(c);
  assert.equal(mounts[0]?.source, join(data, 'app', 'conf'));
  assert.equal(mounts[1]?.source, data, 'a link out of the volume resolves inside it');
  await attachment.tearDown(c);
  const missing = container({}, { Mounts: [{ Type: 'volume', Source: 'subvol', Target: '/x', VolumeOptions: { Subpath: 'nope' } }] });
  await assert.rejects(attachment.setUp(missing), /cannot access path .*\/subvol\/_data\/nope: no such file or directory/);
  await attachment.tearDown(missing);
  for (const bad of ['/abs', '../up', 'a/../../up']) {
    assert.throws(() => container({}, { Mounts: [{ Type: 'volume', Source: 'subvol', Target: '/x', VolumeOptions: { Subpath: bad } }] }),
      /invalid mount config for type "volume": subpath must be a relative path within the volume/);
  }
});

test('copy-up is decided once, at the first set-up: a volume emptied later stays empty', { skip }, async () => {
  const image = 'sha256:' + 'e'.repeat(64);
  new ImagesTable(db).putImage({ id: image, topChain: null, createdAt: new Date().toISOString(), lastTagTime: null, parent: null }, []);
  const table = volumes.deps.containers;
  const made = container({ Volumes: { '/data': {} } }, {});
  table.insert({ ...made, imageId: image, image: 'img', created: new Date().toISOString(), status: 'created', rwCacheId: 'x', logPath: '' } as ContainerRow);
  await attachment.setUp(table.get(made.id)!);
  const data = made.mounts![0]!.Source;
  assert.ok(existsSync(join(data, 'f')));
  assert.equal(table.get(made.id)!.mounts![0]!.copyData, undefined, 'stored: copied');
  await attachment.tearDown(made);
  rmSync(data, { recursive: true });
  mkdirSync(data);
  await attachment.setUp(table.get(made.id)!);
  assert.deepEqual(readdirSync(data), [], 'not filled again');
  await attachment.tearDown(made);
  table.delete(made.id);
});
