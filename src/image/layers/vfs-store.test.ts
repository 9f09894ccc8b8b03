// vfs: the same chain as overlay2, flattened into full copies; whiteouts are real deletions and
// tarLayer recomputes the layer by comparing a layer's directory with its parent's.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import tar from 'tar-stream';
import { mountOverlay, unmount } from './mount.ts';
import { Overlay2Store } from './overlay2-store.ts';
import { assertNoTestMounts, chainTars, checkMerged, collect, dropTarSplitRecords, makeTar, streamOf, tempDir } from './test-helpers.ts';
import { VfsStore } from './vfs-store.ts';

after(assertNoTestMounts);

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function names(bytes: Buffer): Promise<string[]> {
  const out: string[] = [];
  for await (const e of streamOf(bytes).pipe(tar.extract())) {
    out.push(e.header.name);
    e.resume();
  }
  return out;
}

test('the 3-layer chain on vfs gives the same tree as the overlay merge', async (t) => {
  const root = tempDir(t);
  const store = new VfsStore(root);
  const ids: string[] = [];
  for (const tarball of await chainTars()) {
    const r = await store.applyLayer(ids.at(-1), streamOf(tarball));
    assert.equal(r.diffId, sha(tarball));
    ids.push(r.cacheId);
  }
  checkMerged(store.layerPath(ids[2]!));
  // Each layer is a full copy: the base still has what later layers deleted.
  assert.equal(readFileSync(join(store.layerPath(ids[0]!), 'etc/shadow'), 'utf8'), 'secret');
  assert.deepEqual(await store.lowerDirs(ids[2]!), [store.layerPath(ids[2]!)]);
  assert.deepEqual(await store.listCacheIds(), [...ids].sort());
  const rw = await store.createRwLayer(ids[2]!);
  checkMerged(store.layerPath(rw));
});

test('vfs tarLayer without a record: a diff against the parent, stable through a round trip', async (t) => {
  const root = tempDir(t);
  const a = new VfsStore(join(root, 'a'));
  const b = new VfsStore(join(root, 'b'));
  const ids: string[] = [];
  for (const tarball of await chainTars()) ids.push((await a.applyLayer(ids.at(-1), streamOf(tarball))).cacheId);
  dropTarSplitRecords(join(root, 'a')); // the re-tar fallback is what this test is about
  let parentB: string | undefined;
  for (const id of ids) {
    const exported = await collect(a.tarLayer(id));
    assert.deepEqual(await collect(a.tarLayer(id)), exported);
    const r = await b.applyLayer(parentB, streamOf(exported));
    assert.equal(sha(await collect(b.tarLayer(r.cacheId))), r.diffId);
    parentB = r.cacheId;
  }
  checkMerged(b.layerPath(parentB!));
  const l2 = await names(await collect(a.tarLayer(ids[1]!)));
  assert.ok(l2.includes('etc/.wh.shadow'));
  // vfs has no opaque marker: each entry the opaque dir hid gets its own whiteout.
  assert.ok(l2.includes('opt/old/.wh.a.txt') && l2.includes('opt/old/.wh.sub'));
  assert.ok(l2.includes('var/.wh.log'));
  assert.ok(!l2.includes('bin/') && !l2.includes('bin/sh'), 'unchanged entries are not exported');
  // ...and an overlay2 store given the vfs export shows the same merged tree.
  const o = new Overlay2Store(join(root, 'o'));
  let op: string | undefined;
  for (const id of ids) op = (await o.applyLayer(op, a.tarLayer(id))).cacheId;
  const rw = await o.createRwLayer(op);
  const target = join(root, 'merged');
  mkdirSync(target);
  await mountOverlay(await o.lowerDirs(op!), o.layerPath(rw), o.workPath(rw), target);
  try {
    checkMerged(target);
  } finally {
    await unmount(target);
  }
});

test('vfs: an opaque marker keeps what the same layer already wrote', async (t) => {
  const root = tempDir(t);
  const store = new VfsStore(root);
  const base = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'd/old', content: 'o' }])));
  const top = await store.applyLayer(base.cacheId, streamOf(await makeTar([
    { name: 'd/', type: 'directory' },
    { name: 'd/mine', content: 'm' },
    { name: 'd/.wh..wh..opq', content: '' },
    { name: 'd/.wh.mine', content: '' }, // same-layer entries are not hidden by whiteouts
  ])));
  assert.deepEqual(readdirSync(join(store.layerPath(top.cacheId), 'd')), ['mine']);
});

test('vfs orphans: staging debris and stray parent records go on open', async (t) => {
  const root = tempDir(t);
  const store = new VfsStore(root);
  const r = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'f', content: 'x' }])));
  mkdirSync(join(root, 'vfs/.staging/half'), { recursive: true });
  writeFileSync(join(root, 'vfs/parents', 'f'.repeat(64)), '');
  mkdirSync(join(root, 'vfs/tar-split', 'e'.repeat(64))); // a record whose layer rename never happened
  const reopened = new VfsStore(root);
  assert.deepEqual(await reopened.listCacheIds(), [r.cacheId]);
  assert.deepEqual(readdirSync(join(root, 'vfs/.staging')), []);
  assert.deepEqual(readdirSync(join(root, 'vfs/parents')), [r.cacheId]);
  assert.deepEqual(readdirSync(join(root, 'vfs/tar-split')), [r.cacheId]);
  await reopened.removeLayer(r.cacheId);
  assert.deepEqual(await reopened.listCacheIds(), []);
  assert.deepEqual(readdirSync(join(root, 'vfs/parents')), []);
  assert.deepEqual(readdirSync(join(root, 'vfs/tar-split')), []);
});
