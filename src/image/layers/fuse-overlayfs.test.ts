// The fuse-overlayfs driver as root (the rootless side: src/rootless/rootless-fuse.test.ts):
// chosen when configured and a test mount works, refused with a clear 400 when it cannot run;
// what fuse-overlayfs writes into a writable layer (its own opaque marks) exported as the OCI
// layer format, each change once. The shared rootfs contract runs in driver-contract.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import tar from 'tar-stream';
import { BerthError } from '../../api/types/errors.ts';
import { requires } from '../../testing/requires.ts';
import { detectDriver } from './detect.ts';
import { mountsUnder } from './mount.ts';
import { Overlay2Store } from './overlay2-store.ts';
import { assertNoTestMounts, chainTars, collect, streamOf, tempDir } from './test-helpers.ts';

after(assertNoTestMounts);
const skip = requires('fuse-overlayfs');

test('fuse-overlayfs configured: chosen after a test mount, which leaves nothing behind', { skip }, async (t) => {
  const root = tempDir(t);
  const choice = await detectDriver(join(root, 'data'), 'fuse-overlayfs');
  assert.equal(choice.driver, 'fuse-overlayfs');
  assert.match(choice.reason, /^fuse-overlayfs configured: a test mount under .* worked$/);
  assert.deepEqual(readdirSync(join(root, 'data')), []);
  assert.deepEqual(mountsUnder(root), []);
});

test('fuse-overlayfs configured but not installed: a 400 naming the package', async (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'bin'));
  const path = process.env.PATH;
  process.env.PATH = join(root, 'bin'); // fuse-overlayfs lives in /usr/bin, which `which` then skips
  t.after(() => void (process.env.PATH = path));
  await assert.rejects(detectDriver(join(root, 'data'), 'fuse-overlayfs'), (e: unknown) => e instanceof BerthError && e.kind === 'invalid-parameter' &&
    /storage driver fuse-overlayfs is configured but cannot be used under .*: fuse-overlayfs not found on PATH \(Debian package "fuse-overlayfs"\)/.test(e.message));
  assert.deepEqual(readdirSync(join(root, 'data')), [], 'no probe dir left');
});

test("a writable layer changed through fuse-overlayfs exports its deletion and opaque dir once each, without fuse-overlayfs's own marks", { skip }, async (t) => {
  const root = tempDir(t);
  const store = new Overlay2Store(root, {}, 'fuse');
  let parent: string | undefined;
  for (const tarball of await chainTars()) parent = (await store.applyLayer(parent, streamOf(tarball))).cacheId;
  const rw = await store.createRwLayer(parent);
  const merged = await store.mount(rw);
  try {
    rmSync(join(merged, 'bin/su'));
    rmSync(join(merged, 'home/user'), { recursive: true });
    mkdirSync(join(merged, 'home/user'));
    writeFileSync(join(merged, 'home/user/fresh'), 'f');
  } finally {
    await store.unmount(rw);
  }
  // fuse-overlayfs marks the replaced directory with an xattr and a marker file of its own.
  assert.ok(readdirSync(join(store.layerPath(rw), 'home/user')).includes('.wh..wh..opq'), 'fuse-overlayfs wrote its marker file');
  const names: string[] = [];
  const bytes = await collect(store.tarLayer(rw));
  for await (const e of streamOf(bytes).pipe(tar.extract())) {
    names.push(e.header.name);
    e.resume();
  }
  assert.ok(names.includes('bin/.wh.su'), names.join(' '));
  assert.equal(names.filter((n) => n === 'home/user/.wh..wh..opq').length, 1, names.join(' '));
  assert.ok(names.includes('home/user/fresh'), names.join(' '));
  assert.ok(!bytes.toString('latin1').includes('fuseoverlayfs'), 'no fuse-overlayfs xattr exported');
  // The exported layer applied again gives the same tree: the opaque dir holds only the new file.
  const copy = new Overlay2Store(tempDir(t));
  let p2: string | undefined;
  for (const tarball of await chainTars()) p2 = (await copy.applyLayer(p2, streamOf(tarball))).cacheId;
  const top = await copy.applyLayer(p2, streamOf(bytes));
  await copy.withTree(top.cacheId, join(tempDir(t), 'v-'), async (tree) => {
    assert.deepEqual(readdirSync(join(tree, 'home/user')), ['fresh']);
    assert.equal(execFileSync('ls', [join(tree, 'bin')], { encoding: 'utf8' }).includes('su\n'), false);
  });
});

// A berthd in a user namespace (rootless) whose overlay probe fails: here because its data root
// sits on an overlayfs, which overlay refuses as an upper layer (this kernel allows overlay in a
// user namespace otherwise). The choice runs in `unshare --user --map-root-user --mount`.
test('in a user namespace where overlay is refused: fuse-overlayfs, or vfs when it is not installed', { skip }, async (t) => {
  const root = tempDir(t);
  for (const d of ['l', 'u', 'w', 'm', 'bin']) mkdirSync(join(root, d));
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${root}/l,upperdir=${root}/u,workdir=${root}/w`, join(root, 'm')]);
  // tempDir's clean-up unmounts it.
  const detect = new URL('./detect.js', import.meta.url).href;
  const choose = (path: string) => JSON.parse(execFileSync('unshare', ['--user', '--map-root-user', '--mount', process.execPath, '--input-type=module', '-e',
    `const { detectDriver } = await import(${JSON.stringify(detect)}); process.env.PATH = ${JSON.stringify(path)}; ` +
    `const c = await detectDriver(${JSON.stringify(join(root, 'm', 'data'))}); console.log(JSON.stringify(c));`], { encoding: 'utf8' })) as { driver: string; reason: string };
  const fuse = choose(process.env.PATH ?? '');
  assert.equal(fuse.driver, 'fuse-overlayfs', fuse.reason);
  assert.match(fuse.reason, /^overlay2 unavailable \(test overlay mount failed: .*\); fuse-overlayfs chosen: a test mount under .* worked$/);
  const vfs = choose(join(root, 'bin'));
  assert.equal(vfs.driver, 'vfs');
  assert.match(vfs.reason, /fuse-overlayfs unavailable \(fuse-overlayfs not found on PATH .*\); using vfs$/);
  assert.deepEqual(readdirSync(join(root, 'm', 'data')), [], 'probe dirs removed');
  assert.deepEqual(mountsUnder(join(root, 'm')), [join(root, 'm')]);
});
