// The volume service's removal against a real store and data-root: a create under way pins
// its volumes, a removal takes the directory out of the name at once (a new volume of that name
// gets its own), and what a killed removal left is purged at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../store/database.ts';
import { ContainersTable } from '../../store/containers.ts';
import { VolumesTable } from '../../store/volumes.ts';
import { EventsTable } from '../../store/events.ts';
import { EventsService } from '../events/events-service.ts';
import { LocalDriver } from '../../volume/local-driver.ts';
import { createLogger } from '../../lib/logger.ts';
import { VolumeService } from './volume-service.ts';
import { mountsForCreate } from '../containers/container-mounts.ts';

let dir: string;
let db: Database;
let volumes: VolumeService;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-volsvc-'));
  db = new Database(join(dir, 'berth.db'));
  volumes = new VolumeService({
    table: new VolumesTable(db), containers: new ContainersTable(db), driver: new LocalDriver(join(dir, 'volumes')),
    events: new EventsService(new EventsTable(db)), logger: createLogger('error'),
  });
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a create under way pins its volumes; a failed one takes its anonymous volumes, a refused one all it made', async () => {
  const deps = { volumes, container: () => assert.fail('no volumes-from') };
  volumes.create({ Name: 'before' });
  const pending = mountsForCreate({ Volumes: { '/anon': {} } }, { Binds: ['pinned:/p', 'before:/b'] }, deps);
  await assert.rejects(volumes.remove('pinned', false), { kind: 'conflict', message: 'remove pinned: volume is in use' } as object);
  const anon = pending.mounts.find((m) => m.Destination === '/anon')!.Name!;
  await pending.settle(false);
  assert.equal(volumes.deps.table.get(anon), undefined, 'the failed create made it: gone');
  await volumes.remove('pinned', false); // named: kept after a failure, as dockerd keeps it
  const refused = mountsForCreate({}, { Binds: ['made:/m', 'before:/b'] }, deps);
  await refused.settle(false, true);
  assert.equal(volumes.deps.table.get('made'), undefined, 'named, but made by the refused create: gone');
  await volumes.remove('before', false); // there before the create: it stays
  const stored = mountsForCreate({}, { Binds: ['kept:/k'] }, deps);
  await stored.settle(true);
  await volumes.remove('kept', false);
});

test('a volume made while its namesake is removed gets a directory of its own', async () => {
  const old = volumes.create({ Name: 'again' });
  writeFileSync(join(volumes.deps.driver.path(old.name), 'old'), 'x');
  const removal = volumes.remove('again', false); // its synchronous part is done here
  volumes.create({ Name: 'again' });
  await removal;
  assert.deepEqual(readdirSync(volumes.deps.driver.path('again')), []);
  assert.deepEqual(readdirSync(join(dir, 'volumes')), ['again']);
});

test('what a killed removal left is purged', async () => {
  mkdirSync(join(dir, 'volumes', '.removing-gone-0000', '_data'), { recursive: true });
  await volumes.purgeLeftovers();
  assert.ok(!existsSync(join(dir, 'volumes', '.removing-gone-0000')));
});

test('a copy-up a killed daemon cut short is emptied at the next start; a finished one is kept', async () => {
  for (const name of ['cut', 'whole']) {
    volumes.create({ Name: name });
    volumes.deps.driver.startCopy(name);
    mkdirSync(join(volumes.deps.driver.path(name), 'half', 'way'), { recursive: true });
    writeFileSync(join(volumes.deps.driver.path(name), 'copied'), 'x');
  }
  volumes.deps.driver.copyDone('whole');
  await volumes.purgeLeftovers();
  assert.deepEqual(readdirSync(volumes.deps.driver.path('cut')), [], 'the half copy is gone: the next start copies again');
  assert.deepEqual(readdirSync(volumes.deps.driver.path('whole')).sort(), ['copied', 'half']);
  assert.deepEqual(readdirSync(join(dir, 'volumes', 'cut')), ['_data'], 'its mark is gone with it');
});
