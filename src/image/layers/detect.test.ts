// Driver choice by a real test mount: overlay2 on this ext4 root, vfs where overlay is refused
// (an overlayfs cannot be the upper layer of another overlay: the docker-in-docker case).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BerthError } from '../../api/types/errors.ts';
import { detectDriver } from './detect.ts';
import { mountsUnder } from './mount.ts';
import { assertNoTestMounts, tempDir } from './test-helpers.ts';

after(assertNoTestMounts);

test('overlay2 when a test overlay mounts; the probe leaves nothing behind', async (t) => {
  const root = tempDir(t);
  const choice = await detectDriver(join(root, 'data'));
  assert.equal(choice.driver, 'overlay2');
  assert.match(choice.reason, /test overlay mount under .* worked/);
  assert.ok(choice.status.some(([k]) => k === 'Backing Filesystem'));
  assert.deepEqual(readdirSync(join(root, 'data')), []);
  assert.deepEqual(mountsUnder(root), []);
});

test('configured drivers: vfs is honoured, unknown ones are refused', async (t) => {
  const root = tempDir(t);
  assert.equal((await detectDriver(root, 'vfs')).driver, 'vfs');
  assert.equal((await detectDriver(root, 'overlay2')).driver, 'overlay2');
  await assert.rejects(detectDriver(root, 'zfs'), (e: unknown) => e instanceof BerthError && e.kind === 'invalid-parameter' && /unknown storage driver "zfs"/.test(e.message));
});

test('vfs with the reason when overlay is refused; an error if overlay2 was asked for', async (t) => {
  const root = tempDir(t);
  for (const d of ['l', 'u', 'w', 'm']) mkdirSync(join(root, d));
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${root}/l,upperdir=${root}/u,workdir=${root}/w`, join(root, 'm')]);
  try {
    const data = join(root, 'm', 'data');
    const choice = await detectDriver(data);
    assert.equal(choice.driver, 'vfs');
    assert.match(choice.reason, /^overlay2 unavailable \(test overlay mount failed: .*\); using vfs$/);
    await assert.rejects(detectDriver(data, 'overlay2'), (e: unknown) => e instanceof BerthError && e.kind === 'unavailable' && /overlay2 is configured but cannot be used/.test(e.message));
    assert.deepEqual(readdirSync(data), [], 'probe dirs removed');
    assert.deepEqual(mountsUnder(join(root, 'm')), [join(root, 'm')]);
  } finally {
    execFileSync('umount', [join(root, 'm')]);
  }
});

test('where unshare(2) is refused, the test mount is made and unmounted in our own namespace', async (t) => {
  const root = tempDir(t);
  // An unshare that fails as util-linux's does under a seccomp profile refusing unshare(2).
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'unshare'), `#!/bin/sh\ntouch ${join(root, 'asked')}\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n`);
  chmodSync(join(root, 'bin', 'unshare'), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${join(root, 'bin')}:${path}`;
  t.after(() => void (process.env.PATH = path));
  const choice = await detectDriver(join(root, 'data'));
  assert.ok(readdirSync(root).includes('asked'), 'the refusing unshare was run');
  assert.equal(choice.driver, 'overlay2');
  assert.deepEqual(readdirSync(join(root, 'data')), []);
  assert.deepEqual(mountsUnder(root), []);
});
