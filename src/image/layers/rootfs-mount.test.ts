// A writable layer's rootfs and the removal of the layer, for real (overlay2, as root):
// whatever order a removal and the mounts and unmounts of the same rootfs are asked for in, no
// mount is left behind — the race that left overlays in `.staging/rm-*/merged` under load (a
// removal renamed the layer away while an exit's unmount was on its way, which then missed).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { Overlay2Store } from './overlay2-store.ts';
import { mountsUnder } from './mount.ts';
import { assertNoTestMounts, makeTar, streamOf, T1, tempDir } from './test-helpers.ts';

after(assertNoTestMounts);

async function container(t: TestContext, warnings: string[] = []): Promise<{ store: Overlay2Store; rw: string }> {
  const store = new Overlay2Store(tempDir(t), { warn: (msg, f) => warnings.push(`${msg} ${f.path}`) });
  const base = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'hello', content: 'hi', mtime: T1 }])));
  return { store, rw: await store.createRwLayer(base.cacheId) };
}

test('a removal asked for while an unmount is on its way leaves nothing mounted', async (t) => {
  const { store, rw } = await container(t);
  const merged = await store.mount(rw);
  assert.ok(existsSync(join(merged, 'hello')));
  // As an exit's clean-up and a concurrent `docker rm`: neither awaited before the other.
  await Promise.all([store.unmount(rw), store.removeLayer(rw)]);
  assert.deepEqual(mountsUnder(store.home), []);
  assert.equal(store.exists(rw), false);
  await store.removalsDone();
  assert.deepEqual(readdirSync(join(store.home, '.staging')), [], 'the removed layer is deleted');
});

test('a removal of a mounted rootfs (no unmount asked for) unmounts it first', async (t) => {
  const { store, rw } = await container(t);
  await store.mount(rw);
  await store.removeLayer(rw);
  assert.deepEqual(mountsUnder(store.home), []);
  await store.removalsDone();
  assert.deepEqual(readdirSync(join(store.home, '.staging')), []);
});

test('a mount asked for after a removal fails and makes nothing', async (t) => {
  const { store, rw } = await container(t);
  const removed = store.removeLayer(rw);
  await assert.rejects(store.mount(rw), /not found/);
  await removed;
  assert.deepEqual(mountsUnder(store.home), []);
  assert.equal(existsSync(join(store.home, rw)), false, 'no layer directory made again for the mount point');
});

test('a busy rootfs (a process has its cwd in it) is detached lazily by the removal, and logged', async (t) => {
  const warnings: string[] = [];
  const { store, rw } = await container(t, warnings);
  const merged = await store.mount(rw);
  const holder = spawn('sleep', ['60'], { cwd: merged, stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  await assert.rejects(store.unmount(rw), /busy/, 'a plain unmount is refused while busy');
  await store.removeLayer(rw);
  assert.deepEqual(mountsUnder(store.home), [], 'nothing is left in the mount table');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /detached lazily .*\/merged$/);
});
