// The host helper's spawn, for real: a detached program gets fd 3 as a pipe back, its own
// session, the given cwd and environment; the answer carries its exit code, first fd-3 line and
// (on failure) its stderr; slow spawns do not hold up quick ones. (mount and umount are tested
// in image/layers/mount-syscalls.test.ts.)
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { hostHelper } from './host-helper.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';

const helper = hostHelper();
const skip = requires('perl') || (helper ? false : `host kind: the host helper has no syscall numbers for ${process.arch} (or BERTH_HOST_HELPER=off)`);
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const sh = (script: string, o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  helper!.spawnDetached(['/bin/sh', '-c', script], { cwd: o.cwd ?? '/', env: o.env ?? env });

test('fd 3 carries the first line back; cwd and environment are the given ones', { skip }, async () => {
  const r = await sh('echo "{\\"data\\": 42} $PWD $FOO" >&3; echo ignored >&3', { cwd: '/tmp', env: { ...env, FOO: 'bar baz' } });
  assert.deepEqual(r, { code: 0, sync: '{"data": 42} /tmp bar baz\n', stderr: '' });
});

test('arguments arrive as given, empty ones too', { skip }, async () => {
  const r = await helper!.spawnDetached(['/bin/sh', '-c', 'echo "$#:$1:$2:$3" >&3', 'sh', 'a b', '', ''], { cwd: '/', env });
  assert.equal(r.sync, '3:a b::\n');
});

test('a failure: the exit code and stderr; a program that cannot start: 127', { skip }, async () => {
  assert.deepEqual(await sh('echo oops >&2; exit 3'), { code: 3, sync: '', stderr: 'oops\n' });
  const missing = await helper!.spawnDetached(['/nonexistent/prog'], { cwd: '/', env });
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /exec \/nonexistent\/prog: No such file or directory/);
  const badCwd = await sh('true', { cwd: '/nonexistent' });
  assert.equal(badCwd.code, 127);
  assert.match(badCwd.stderr, /chdir \/nonexistent/);
});

test('the program leads its own session; stdin and stdout are /dev/null', { skip }, async () => {
  const r = await sh('echo "$$ $(cut -d" " -f6 /proc/$$/stat) $(readlink /proc/$$/fd/0) $(readlink /proc/$$/fd/1)" >&3');
  const [pid, sid, stdin, stdout] = r.sync.trim().split(' ');
  assert.equal(sid, pid);
  assert.equal(stdin, '/dev/null');
  assert.equal(stdout, '/dev/null');
});

test('a monitor that forks and keeps fd 3 open: answered at its first line; slow spawns answer later', { skip }, async (t) => {
  const kept = await sh('sleep 30 >&3 & echo $! >&3');
  const pid = Number(kept.sync.trim());
  t.after(() => process.kill(pid, 'SIGKILL'));
  // The child may still be the shell's fork for a moment before it execs sleep.
  const runsSleep = () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep');
  await until('the forked child runs sleep', runsSleep);
  const order: string[] = [];
  await Promise.all([
    sh('sleep 0.4; echo slow >&3').then((r) => order.push(r.sync.trim())),
    sh('echo quick >&3').then((r) => order.push(r.sync.trim())),
  ]);
  assert.deepEqual(order, ['quick', 'slow']);
});

test('a helper that dies fails what it had in hand; the next request starts a new one', { skip }, async (t) => {
  await sh('true');
  const first = helper!.pid!;
  const pidFile = join(mkdtempSync(join(tmpdir(), 'berth-helper-')), 'pid');
  t.after(() => rmSync(dirname(pidFile), { recursive: true, force: true }));
  const pending = sh(`echo $$ > ${pidFile}; exec sleep 5`);
  await until('the spawned shell has written its pid', () => existsSync(pidFile));
  process.kill(first, 'SIGKILL');
  await assert.rejects(pending, /host helper exited with SIGKILL/);
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); // what it had started: ours to end
  assert.deepEqual(await sh('echo again >&3'), { code: 0, sync: 'again\n', stderr: '' });
  assert.notEqual(helper!.pid, first);
});
