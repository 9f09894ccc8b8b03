// Driver choice by a real test mount: overlay2 on this ext4 root, vfs where overlay is refused
// (an overlayfs cannot be the upper layer of another overlay: the docker-in-docker case).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { BerthError } from '../../api/types/errors.ts';
import { detectDriver } from './detect.ts';
import { mountsUnder } from './mount.ts';
import { keptVerdict, verdictKey, VERDICT_FILE, type OverlayVerdict } from './probe-verdict.ts';
import { assertNoTestMounts, tempDir } from './test-helpers.ts';

after(assertNoTestMounts);

test('overlay2 when a test overlay mounts; the probe leaves nothing behind but its verdict', async (t) => {
  const root = tempDir(t);
  const choice = await detectDriver(join(root, 'data'));
  assert.equal(choice.driver, 'overlay2');
  assert.match(choice.reason, /test overlay mount under .* worked$/);
  assert.ok(choice.status.some(([k]) => k === 'Backing Filesystem'));
  assert.deepEqual(readdirSync(join(root, 'data')), [VERDICT_FILE]);
  assert.deepEqual(mountsUnder(root), []);
});

/** An unshare first on PATH that records that it ran, then fails as one refused unshare(2) does
 *  (the probe then mounts in berthd's own namespace) or, with `how: 'broken'`, as nothing can. */
function markingUnshare(t: TestContext, root: string, how: 'refused' | 'broken'): string {
  const marker = join(root, 'unshare-ran');
  const says = how === 'refused' ? 'unshare: unshare failed: Operation not permitted' : 'broken';
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'unshare'), `#!/bin/sh\ntouch ${marker}\necho "${says}" >&2\nexit 1\n`);
  chmodSync(join(root, 'bin', 'unshare'), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${join(root, 'bin')}:${path}`;
  t.after(() => void (process.env.PATH = path));
  return marker;
}

test('a restart takes the kept verdict: no test mount, no spawn, the same choice', async (t) => {
  const root = tempDir(t);
  const data = join(root, 'data');
  assert.equal((await detectDriver(data)).driver, 'overlay2');
  // A probe now would fail (this unshare refuses everything): only the kept verdict says overlay2.
  const marker = markingUnshare(t, root, 'broken');
  const again = await detectDriver(data);
  assert.equal(again.driver, 'overlay2');
  assert.match(again.reason, new RegExp(`worked at \\d{4}-.*\\(${VERDICT_FILE}: same kernel`));
  assert.equal(existsSync(marker), false, 'no probe ran');
  assert.deepEqual(readdirSync(data), [VERDICT_FILE]);
});

test('a verdict kept under another kernel, or a torn one, is not taken: the probe runs again', async (t) => {
  const root = tempDir(t);
  const data = join(root, 'data');
  await detectDriver(data);
  const kept = JSON.parse(readFileSync(join(data, VERDICT_FILE), 'utf8')) as OverlayVerdict;
  const marker = markingUnshare(t, root, 'refused');
  writeFileSync(join(data, VERDICT_FILE), JSON.stringify({ ...kept, key: { ...kept.key, kernel: '4.19.0 #1 SMP' } }));
  assert.match((await detectDriver(data)).reason, /worked$/, 'probed again');
  assert.ok(existsSync(marker));
  assert.deepEqual((JSON.parse(readFileSync(join(data, VERDICT_FILE), 'utf8')) as OverlayVerdict).key, verdictKey(data), 'kept again, under this kernel');
  writeFileSync(join(data, VERDICT_FILE), '{"key": {');
  assert.equal(keptVerdict(data), undefined);
  rmSync(join(data, VERDICT_FILE));
  assert.equal(keptVerdict(data), undefined);
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
    assert.deepEqual(readdirSync(data), [], 'probe dirs removed, no verdict kept');
    assert.deepEqual(mountsUnder(join(root, 'm')), [join(root, 'm')]);
  } finally {
    execFileSync('umount', [join(root, 'm')]);
  }
});

test('where unshare(2) is refused, the test mount is made and unmounted in our own namespace', async (t) => {
  const root = tempDir(t);
  // An unshare that fails as util-linux's does under a seccomp profile refusing unshare(2).
  const marker = markingUnshare(t, root, 'refused');
  const choice = await detectDriver(join(root, 'data'));
  assert.ok(existsSync(marker), 'the refusing unshare was run');
  assert.equal(choice.driver, 'overlay2');
  assert.deepEqual(readdirSync(join(root, 'data')), [VERDICT_FILE]);
  assert.deepEqual(mountsUnder(root), []);
});
