// overlay2 for real (as root): a 3-layer chain applied, mounted with mountOverlay and checked
// through the merged view, exported and re-applied, and the on-disk layout docker uses.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mountOverlay, mountsUnder, unmount } from './mount.ts';
import { Overlay2Store } from './overlay2-store.ts';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-write.ts';
import tar from 'tar-stream';
import { assertNoTestMounts, chainTars, checkMerged, collect, dropTarSplitRecords, makeTar, streamOf, T1, T2, tempDir } from './test-helpers.ts';

after(assertNoTestMounts);

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function applyChain(store: Overlay2Store, tars: Buffer[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of tars) ids.push((await store.applyLayer(ids.at(-1), streamOf(t))).cacheId);
  return ids;
}

test('a 3-layer chain mounts into the merged view docker would show', async (t) => {
  const root = tempDir(t);
  const store = new Overlay2Store(root);
  const tars = await chainTars();
  const results = [];
  let parent: string | undefined;
  for (const tar of tars) {
    const r = await store.applyLayer(parent, streamOf(tar));
    assert.equal(r.diffId, sha(tar), 'diffID is the sha256 of the tar as read');
    results.push(r);
    parent = r.cacheId;
  }
  assert.equal(results[0]!.size, '#!shell\n'.length + 'su'.length + 'ping'.length + 'root:x:0:0\n'.length + 'secret'.length + 2 + 1 + 1 + 4 + 3 + 3);

  // docker's layout: diff/, link, lower (parents nearest first), work/, l/<short> -> ../id/diff
  const [l1, l2, l3] = results.map((r) => r.cacheId) as [string, string, string];
  const home = join(root, 'overlay2');
  const short = (id: string) => readFileSync(join(home, id, 'link'), 'utf8');
  assert.match(short(l1), /^[A-Z2-7]{26}$/);
  assert.equal(readlinkSync(join(home, 'l', short(l1))), `../${l1}/diff`);
  assert.equal(existsSync(join(home, l1, 'lower')), false, 'a base layer has no lower file');
  assert.equal(readFileSync(join(home, l3, 'lower'), 'utf8'), `l/${short(l2)}:l/${short(l1)}`);
  assert.ok(lstatSync(join(home, l3, 'work')).isDirectory());
  // overlay's own whiteout format inside diff/
  const wh = lstatSync(join(home, l2, 'diff/etc/shadow'));
  assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'deleted file is a 0:0 char device');
  assert.ok(lstatSync(join(home, l2, 'diff/var/log')).isCharacterDevice(), 'deleted dir too');
  const opq = execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'trusted.overlay.opaque', join(home, l2, 'diff/opt/old')]);
  assert.equal(opq.toString(), 'y', 'opaque dir carries trusted.overlay.opaque=y');

  assert.deepEqual(await store.lowerDirs(l3), [l3, l2, l1].map((id) => join(home, id, 'diff')));
  assert.deepEqual(await store.listCacheIds(), [l1, l2, l3].sort());

  // A container's rootfs: an rw layer on top, mounted with short relative lowerdirs.
  const rw = await store.createRwLayer(l3);
  const target = join(root, 'merged');
  mkdirSync(target);
  await mountOverlay(await store.lowerDirs(l3), store.layerPath(rw), store.workPath(rw), target);
  try {
    assert.ok(mountsUnder(root).includes(target));
    checkMerged(target);
    writeFileSync(join(target, 'etc/written-in-container'), 'x');
  } finally {
    await unmount(target);
  }
  assert.deepEqual(mountsUnder(root), []);
  assert.ok(existsSync(join(store.layerPath(rw), 'etc/written-in-container')), 'writes land in the rw layer');
  assert.ok((await store.diskUsage(l1)).bytes >= 30);
});

test('tarLayer without a record exports OCI whiteouts deterministically, and re-applying gives the same diffID', async (t) => {
  const root = tempDir(t);
  const a = new Overlay2Store(join(root, 'a'));
  const b = new Overlay2Store(join(root, 'b'));
  const idsA = await applyChain(a, await chainTars());
  dropTarSplitRecords(join(root, 'a')); // the re-tar fallback is what this test is about
  let parentB: string | undefined;
  for (const id of idsA) {
    const exported = await collect(a.tarLayer(id));
    assert.deepEqual(await collect(a.tarLayer(id)), exported, 'same bytes every time');
    const r = await b.applyLayer(parentB, streamOf(exported));
    assert.equal(r.diffId, sha(exported));
    assert.equal(sha(await collect(b.tarLayer(r.cacheId))), r.diffId, 'round trip is stable');
    parentB = r.cacheId;
  }
  const l2bytes = await collect(a.tarLayer(idsA[1]!));
  const l2tar = l2bytes.toString('latin1');
  const headers = new Map<string, tar.Header>();
  for await (const e of streamOf(l2bytes).pipe(tar.extract())) {
    headers.set(e.header.name, e.header);
    e.resume();
  }
  assert.equal(headers.get('etc/.wh.shadow')?.mtime?.getTime(), T1 * 1000, 'whiteout keeps its own mtime');
  assert.equal(headers.get('etc/.wh.shadow')?.mode, 0o600);
  assert.equal(headers.get('opt/old/.wh..wh..opq')?.mtime?.getTime(), T2 * 1000, 'opaque marker has its dir mtime');
  assert.ok(l2tar.includes('etc/.wh.shadow'), 'whiteout device exported as .wh.');
  assert.ok(l2tar.includes('opt/old/.wh..wh..opq'), 'opaque xattr exported as marker');
  assert.ok(!l2tar.includes('trusted.overlay'), 'overlay xattrs never exported');
  assert.ok(l2tar.indexOf('opt/old/.wh..wh..opq') < l2tar.indexOf('opt/old/new.txt'), 'marker right after its dir');
});

test('binary xattrs (security.capability) survive apply and export', async (t) => {
  const root = tempDir(t);
  const store = new Overlay2Store(root);
  // A real v2 file capability blob (cap_net_raw+ep), as bytes no UTF-8 decoder would keep.
  const cap = Buffer.from('0000000201200000000000000000000000000000', 'hex');
  const body = Buffer.from('ping');
  const tar = Buffer.concat([
    encodeHeader({ name: 'ping', type: '0', mode: 0o755, uid: 0, gid: 0, size: body.length, mtime: 1, xattrs: new Map([['security.capability', cap]]) }),
    body, padding(body.length), END_OF_ARCHIVE,
  ]);
  const r = await store.applyLayer(undefined, streamOf(tar));
  const hex = execFileSync('getfattr', ['--absolute-names', '-e', 'hex', '--only-values', '-n', 'security.capability', join(store.layerPath(r.cacheId), 'ping')]);
  assert.deepEqual(hex, cap);
  assert.deepEqual(await collect(store.tarLayer(r.cacheId)), tar, 'exported byte for byte');
});

test('orphans are listed; staging debris and dangling links are cleared on open', async (t) => {
  const root = tempDir(t);
  const store = new Overlay2Store(root);
  const r = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'f', content: 'x' }])));
  const home = join(root, 'overlay2');
  mkdirSync(join(home, '.staging', 'half-written'), { recursive: true });
  symlinkSync('../0000000000000000000000000000000000000000000000000000000000000000/diff', join(home, 'l', 'DANGLINGDANGLINGDANGLINGDA'));
  const short = readFileSync(join(home, r.cacheId, 'link'), 'utf8');
  unlinkSync(join(home, 'l', short)); // as if we crashed between the rename and the link
  const reopened = new Overlay2Store(root);
  assert.deepEqual(await reopened.listCacheIds(), [r.cacheId]);
  assert.deepEqual(readdirSync(join(home, '.staging')), []);
  assert.deepEqual(readdirSync(join(home, 'l')), [short], 'dangling link gone, missing one restored');
  await reopened.removeLayer(r.cacheId);
  assert.deepEqual(await reopened.listCacheIds(), []);
  assert.deepEqual(readdirSync(join(home, 'l')), []);
  await reopened.removalsDone(); // the files go behind the caller
  assert.deepEqual(readdirSync(join(home, '.staging')), []);
});
