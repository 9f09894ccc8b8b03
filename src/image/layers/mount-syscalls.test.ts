// mount(2)/umount2(2) through the helper, for real (as root): options reach the kernel, errors
// come back with errno and text, a relative path is taken from cwd, calls at once all answer,
// and with the helper off the same calls go through mount(8)/umount(8).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HelperError } from '../../lib/host-helper.ts';
import { mount, MS_RDONLY, umount } from './mount-syscalls.ts';

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-mount-'));
  t.after(() => {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n').reverse()) {
      const point = line.split(' ')[4];
      if (point?.startsWith(dir)) execFileSync('umount', ['-l', point]);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function mountOptions(point: string): string | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[4] === point) return `${f[5]} ${line.split(' - ')[1]}`;
  }
  return undefined;
}

test('a tmpfs mounted with options and flags, then unmounted', async (t) => {
  const dir = scratch(t);
  await mount({ source: 'berth-test', target: dir, fstype: 'tmpfs', flags: MS_RDONLY, data: 'size=1m,mode=700' });
  const opts = mountOptions(dir);
  assert.match(opts ?? '', /^ro,/, 'MS_RDONLY reached the kernel');
  assert.match(opts ?? '', /tmpfs berth-test .*size=1024k/);
  assert.match(opts ?? '', /mode=700/);
  await umount(dir);
  assert.equal(mountOptions(dir), undefined);
});

test('errors carry errno and the kernel text', async (t) => {
  const dir = scratch(t);
  await assert.rejects(umount(dir), (e: HelperError) => e instanceof HelperError && e.errno === 22 && /umount: Invalid argument/.test(e.message));
  await assert.rejects(mount({ source: 'x', target: join(dir, 'missing'), fstype: 'tmpfs', data: '' }), (e: HelperError) => e.errno === 2 && /No such file/.test(e.message));
  await assert.rejects(mount({ source: 'x', target: dir, fstype: 'tmpfs', data: '', cwd: join(dir, 'nowhere') }), /chdir .*nowhere/);
  // The helper is still there after errors.
  await mount({ source: 'x', target: dir, fstype: 'tmpfs', data: 'size=1m' });
  await umount(dir);
});

test('a relative bind source is resolved from cwd; parallel calls all answer', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'hello'), 'hi');
  const targets = Array.from({ length: 8 }, (_, i) => join(dir, `t${i}`));
  for (const target of targets) mkdirSync(target);
  const MS_BIND = 4096;
  await Promise.all(targets.map((target) => mount({ source: 'src', target, fstype: '', flags: MS_BIND, data: '', cwd: dir })));
  for (const target of targets) assert.equal(readFileSync(join(target, 'hello'), 'utf8'), 'hi');
  await Promise.all(targets.map((target) => umount(target)));
  for (const target of targets) assert.equal(mountOptions(target), undefined);
});

test('with the helper off, mount(8) and umount(8) do the same', async (t) => {
  const dir = scratch(t);
  const module = fileURLToPath(new URL('./mount-syscalls.js', import.meta.url));
  const script = `const m = await import(${JSON.stringify(module)});
    await m.mount({ source: 'berth-test', target: process.argv[1], fstype: 'tmpfs', flags: m.MS_RDONLY, data: 'size=1m' });
    console.log(require('node:fs').readFileSync('/proc/self/mountinfo', 'utf8').split('\\n').find((l) => l.split(' ')[4] === process.argv[1]));
    await m.umount(process.argv[1]);
    await m.umount(process.argv[1]).catch((e) => console.log('second:', e.message));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script.replace("require('node:fs')", "(await import('node:fs'))"), dir], {
    env: { ...process.env, BERTH_HOST_HELPER: 'off' },
    encoding: 'utf8',
  });
  assert.match(out, / ro,.* - tmpfs berth-test /);
  assert.match(out, /second: umount -- .* failed: umount: .*not mounted/);
  assert.equal(mountOptions(dir), undefined);
});
