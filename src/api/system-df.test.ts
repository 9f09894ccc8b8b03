// GET /system/df in the form API 1.52+ clients get (docker-py negotiates the newest): the usage
// of each kind with the counts the docker CLI computes from the legacy lists (so both print the
// same `docker system df` row), and the legacy lists beside them unless verbose, as API 1.52 sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const skip = requires('docker');
const f = useBusyboxDaemon({
  skip,
  setup: async (fx) => {
    for (const args of [['run', '-d', '--name', 'up', 'busybox', 'sleep', '600'], ['run', '--name', 'wrote', 'busybox', 'sh', '-c', 'head -c 100000 /dev/zero > /junk'], ['tag', 'busybox', 'spare:1']]) {
      const r = await fx.docker(args);
      assert.equal(r.code, 0, r.stderr);
    }
  },
});

interface Usage { TotalCount: number; ActiveCount: number; TotalSize: number; Reclaimable: number; Items?: unknown[] }
type Df = Record<string, unknown> & { ImagesUsage: Usage; ContainersUsage: Usage; VolumesUsage: Usage; BuildCacheUsage: Usage };

async function df(query = ''): Promise<Df> {
  const r = await f.d.client().api.json<Df>('GET', `/system/df${query}`);
  return r;
}

test('the usage counts are the docker CLI\'s sums over the legacy lists, which are there too', { skip }, async () => {
  const d = await df();
  const containers = d.Containers as { Names: string[]; State: string; SizeRw: number }[];
  assert.deepEqual(containers.map((c) => c.Names[0]).sort(), ['/up', '/wrote']);
  const wrote = containers.find((c) => c.Names[0] === '/wrote')!;
  assert.ok(wrote.SizeRw >= 100_000, `SizeRw ${wrote.SizeRw}`);
  const sizeRw = containers.reduce((n, c) => n + c.SizeRw, 0);
  assert.deepEqual(d.ContainersUsage, { TotalCount: 2, ActiveCount: 1, TotalSize: sizeRw, Reclaimable: wrote.SizeRw });
  // One image (two names): used by the containers, so active and nothing of it reclaimable.
  assert.equal((d.Images as unknown[]).length, 1);
  assert.deepEqual(d.ImagesUsage, { TotalCount: 1, ActiveCount: 1, TotalSize: d.LayersSize, Reclaimable: 0 });
  assert.deepEqual(d.VolumesUsage, { TotalCount: 0, ActiveCount: 0, TotalSize: 0, Reclaimable: 0 });
  assert.equal(d.BuildCache, null);
  // A second image on top of busybox's layer shares it: both say so in SharedSize, as dockerd's.
  assert.equal((await f.docker(['commit', 'wrote', 'snap:1'])).code, 0);
  const images = (await df()).Images as { RepoTags: string[]; Size: number; SharedSize: number }[];
  const base = images.find((i) => i.RepoTags.includes('busybox:latest'))!;
  const snap = images.find((i) => i.RepoTags.includes('snap:1'))!;
  assert.deepEqual([base.SharedSize, snap.SharedSize], [base.Size, base.Size]);
  assert.ok(snap.Size >= base.Size + 100_000, `${snap.Size} vs ${base.Size}`);
  assert.equal((await f.docker(['rmi', 'snap:1'])).code, 0);
});

test('verbose lists the items in each usage and leaves the legacy lists out; type picks kinds', { skip }, async () => {
  const v = await df('?verbose=1');
  assert.equal(v.ContainersUsage.Items?.length, 2);
  assert.equal(v.ImagesUsage.Items?.length, 1);
  assert.ok(!('Images' in v) && !('LayersSize' in v));
  const only = await df('?type=container');
  assert.deepEqual(Object.keys(only).filter((k) => k.endsWith('Usage')), ['ContainersUsage']);
  // The docker CLI (API 1.50 here) prints the same counts from the legacy form.
  const cli = await f.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}}']);
  assert.match(cli.stdout, /^Images 1 1$/m);
  assert.match(cli.stdout, /^Containers 2 1$/m);
});
