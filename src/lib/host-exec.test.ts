// execHost for real, through the host helper and through child_process (execHere, the fallback):
// both answer the same — exit code, signal, stdout and stderr byte for byte whatever their size,
// stdin, cwd and environment, a program that cannot start, a timeout; parallel runs do not mix
// their output; a helper that dies fails what it had in hand and the next run starts another.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { execHere, execHost, ExecStartError, type ExecOptions, type ExecResult } from './host-exec.ts';
import { hostHelper } from './host-helper.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';

const helper = hostHelper();
const skip = requires('perl') || (helper ? false : `host kind: the host helper has no syscall numbers for ${process.arch} (or BERTH_HOST_HELPER=off)`);
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
type Exec = (cmd: string, args: readonly string[], o?: ExecOptions) => Promise<ExecResult>;
const ways: [string, Exec][] = [['the host helper', execHost], ['child_process', execHere]];
const sh = (exec: Exec, script: string, o: ExecOptions = {}) => exec('/bin/sh', ['-c', script], { env, ...o });

for (const [way, exec] of ways) {
  test(`${way}: exit code, stdout and stderr; stdin, cwd and environment are the given ones`, { skip }, async () => {
    const r = await sh(exec, 'cat; echo " $PWD $FOO $HOME"; echo oops >&2; exit 3', { cwd: '/tmp', env: { ...env, FOO: 'bar baz' }, input: 'in put' });
    assert.deepEqual(r, { code: 3, signal: null, stdout: Buffer.from('in put /tmp bar baz \n'), stderr: Buffer.from('oops\n') });
  });

  test(`${way}: output of any size and any bytes arrives whole`, { skip }, async () => {
    // 300 KiB of every byte value through stdin and back on stdout, 10 KiB on stderr: many
    // answer lines each, and more than a pipe holds.
    const bytes = Buffer.from(Array.from({ length: 307200 }, (_, i) => (i * 7) % 256));
    const r = await sh(exec, 'cat; head -c 10240 /dev/zero >&2', { input: bytes });
    assert.equal(r.code, 0);
    assert.ok(r.stdout.equals(bytes));
    assert.ok(r.stderr.equals(Buffer.alloc(10240)));
  });

  test(`${way}: a program that cannot start rejects with the errno's name; an empty argument is an argument`, { skip }, async () => {
    await assert.rejects(exec('/nonexistent/prog', [], { env }), (e: unknown) => e instanceof ExecStartError && e.code === 'ENOENT');
    await assert.rejects(exec('true', [], { env, cwd: '/nonexistent' }), (e: unknown) => e instanceof ExecStartError && e.code === 'ENOENT');
    assert.equal((await exec('/bin/sh', ['-c', 'echo "$#:$1:$2"', 'sh', 'a b', ''], { env })).stdout.toString(), '2:a b:\n');
  });

  test(`${way}: a signal ends it: code null and the signal's name; a timeout kills it`, { skip }, async () => {
    assert.deepEqual({ ...(await sh(exec, 'kill -TERM $$')), stdout: null, stderr: null }, { code: null, signal: 'SIGTERM', stdout: null, stderr: null });
    const slow = await sh(exec, 'echo started; exec sleep 60', { timeoutMs: 1000 });
    assert.deepEqual([slow.code, slow.signal, slow.stdout.toString()], [null, 'SIGKILL', 'started\n']);
  });
}

test('parallel runs through the helper keep their output apart', { skip }, async () => {
  const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => sh(execHost, `yes ${i} | head -c 20000`)));
  runs.forEach((r, i) => assert.ok(r.stdout.toString() === `${i}\n`.repeat(10000).slice(0, 20000), `run ${i}: ${r.stdout.length} bytes, not its own 20000`));
});

test('a helper that dies fails the runs it had in hand; the next run starts a new one', { skip }, async (t) => {
  await sh(execHost, 'true');
  const first = helper!.pid!;
  const pidFile = join(mkdtempSync(join(tmpdir(), 'berth-exec-')), 'pid');
  t.after(() => rmSync(dirname(pidFile), { recursive: true, force: true }));
  const pending = sh(execHost, `echo $$ > ${pidFile}; exec sleep 30`);
  await until('the shell has written its pid', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
  process.kill(first, 'SIGKILL');
  await assert.rejects(pending, /host helper exited with SIGKILL/);
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); // what it had started: ours to end
  assert.deepEqual((await sh(execHost, 'echo again')).stdout.toString(), 'again\n');
  assert.notEqual(helper!.pid, first);
});

test('a helper that stops answering: a run with a timeout still gets its answer, an error', { skip }, async (t) => {
  await sh(execHost, 'true');
  const pid = helper!.pid!;
  const grace = helper!.graceMs;
  helper!.graceMs = 500;
  process.kill(pid, 'SIGSTOP');
  t.after(() => {
    helper!.graceMs = grace;
    process.kill(pid, 'SIGCONT');
  });
  await assert.rejects(sh(execHost, 'echo never', { timeoutMs: 1000 }), /host helper: no answer to exec 1500 ms after it was asked/);
  process.kill(pid, 'SIGCONT');
  // Answered late, the answer finds no one waiting; the helper goes on serving.
  assert.equal((await sh(execHost, 'echo again')).stdout.toString(), 'again\n');
});
