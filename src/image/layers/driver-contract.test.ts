// The rootfs side of the LayerStore contract, run against both drivers (as root): what the
// daemon, volumes and the builder rely on without knowing which driver they have.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { layerDebrisDirs, rootfsMountPoint } from './index.ts';
import { mountsUnder } from './mount.ts';
import { Overlay2Store } from './overlay2-store.ts';
import type { LayerStore } from './store.ts';
import { assertNoTestMounts, chainTars, checkMerged, streamOf, tempDir } from './test-helpers.ts';
import { VfsStore } from './vfs-store.ts';
import { requires } from '../../testing/requires.ts';

after(assertNoTestMounts);

interface Made { store: LayerStore; root: string; image: string[]; rw: string }

const skipFuse = requires('fuse-overlayfs');

async function container(t: TestContext, make: (root: string) => LayerStore): Promise<Made> {
  const root = tempDir(t);
  const store = make(root);
  const image: string[] = [];
  for (const tarball of await chainTars()) image.push((await store.applyLayer(image.at(-1), streamOf(tarball))).cacheId);
  return { store, root, image, rw: await store.createRwLayer(image.at(-1)) };
}

const drivers: [string, (root: string) => LayerStore][] = [
  ['overlay2', (root) => new Overlay2Store(root)],
  // overlay2's layers mounted by fuse-overlayfs: it must read the kernel's whiteouts and opaque marks.
  ['fuse-overlayfs', (root) => new Overlay2Store(root, {}, 'fuse')],
  ['vfs', (root) => new VfsStore(root)],
];

for (const [name, make] of drivers) {
  const skip = name === 'fuse-overlayfs' && skipFuse;
  test(`${name}: mount gives the image's tree at rootfsPath, shared when asked twice, and unmount undoes it`, { skip }, async (t) => {
    const { store, root, rw } = await container(t, make);
    const path = store.rootfsPath(rw);
    const [first, second] = await Promise.all([store.mount(rw), store.mount(rw)]);
    assert.equal(first, path);
    assert.equal(second, path);
    checkMerged(path);
    assert.equal(mountsUnder(root).length, name === 'vfs' ? 0 : 1, 'one mount for two users (none for vfs)');
    writeFileSync(join(path, 'written'), 'by the container');
    const tree = store.rwTree(rw);
    const dir = tree.kind === 'overlay' ? tree.upper : tree.dir;
    assert.equal(tree.kind, name === 'vfs' ? 'full' : 'overlay');
    assert.equal(readFileSync(join(dir, 'written'), 'utf8'), 'by the container', 'the write is in the writable layer');
    await store.unmount(rw);
    await store.unmount(rw); // nothing mounted: nothing to do
    assert.deepEqual(mountsUnder(root), []);
    assert.equal(existsSync(join(store.rootfsPath(rw), 'written')), name === 'vfs', 'vfs: the tree stays, overlay2: unmounted');
  });

  test(`${name}: withTree shows a layer over its parents and leaves nothing mounted or made`, { skip }, async (t) => {
    const { store, root, image } = await container(t, make);
    const views = join(root, 'views');
    await store.withTree(image.at(-1)!, join(views, 'x-'), async (tree) => checkMerged(tree));
    assert.deepEqual(mountsUnder(root), []);
    assert.deepEqual(existsSync(views) ? readdirSync(views) : [], []);
    await store.withTree(image[0]!, join(views, 'x-'), async (tree) => assert.equal(readFileSync(join(tree, 'etc/shadow'), 'utf8'), 'secret'));
  });

  test(`${name}: a mount asked for after the layer's removal fails (404)`, { skip }, async (t) => {
    const { store, rw } = await container(t, make);
    await store.removeLayer(rw);
    await assert.rejects(store.mount(rw), /not found/);
  });
}

test('graphData: overlay2 shows its directories as dockerd does, vfs none', async (t) => {
  const { store, image, rw } = await container(t, (root) => new Overlay2Store(root));
  const o = store as Overlay2Store;
  const parents = [...image].reverse();
  assert.deepEqual(store.graphData(rw, parents), {
    LowerDir: parents.map((id) => o.layerPath(id)).join(':'),
    MergedDir: join(o.home, rw, 'merged'),
    UpperDir: join(o.home, rw, 'diff'),
    WorkDir: join(o.home, rw, 'work'),
  });
  assert.equal('LowerDir' in store.graphData(image[0]!, [])!, false, 'a base layer has no LowerDir');
  const vfs = await container(t, (root) => new VfsStore(root));
  assert.equal(vfs.store.graphData(vfs.rw, [...vfs.image].reverse()), null);
});

test('the paths known before a store opens are the stores\' own', async (t) => {
  const { store, root, rw } = await container(t, (r) => new Overlay2Store(r));
  assert.equal(rootfsMountPoint(root, rw), store.rootfsPath(rw));
  new VfsStore(root); // opened for its directories
  for (const dir of layerDebrisDirs(root)) assert.ok(existsSync(dir), `${dir} is a store's staging directory`);
});
