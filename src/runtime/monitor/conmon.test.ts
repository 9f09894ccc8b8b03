// The monitor against the real conmon and runc, with busybox bundles. Needs root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { requires } from '../../testing/requires.ts';
import { Conmon } from './conmon.ts';
import { OciRuntime } from './oci-runtime.ts';
import { readLogs } from './log-reader.ts';
import { makeBundle, type BundleOptions } from './test-bundle.ts';
import { until, within } from '../../testing/until.ts';

const skip = requires('root', 'conmon', 'runc', 'perl', 'tar', 'busybox');
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

let base: string;
let runtime: OciRuntime;
let conmon: Conmon;
const made: { id: string; conmonPidFile: string }[] = [];

before(async () => {
  if (skip) return;
  base = await mkdtemp(join(tmpdir(), 'berth-mon-'));
  runtime = new OciRuntime({ execRoot: join(base, 'exec') });
  conmon = new Conmon({ exitDir: join(base, 'exits'), socketDir: join(base, 'socks') });
});

after(async () => {
  if (skip) return;
  for (const c of made) {
    await runtime.delete(c.id, true);
    const pid = Number(readFileSafe(c.conmonPidFile));
    if (pid && (await conmon.isAlive(pid, c.id))) process.kill(pid, 'SIGKILL');
    await conmon.cleanup(c.id);
    assert.ok(!existsSync(`/sys/fs/cgroup/pids/${c.id}`), `cgroup of ${c.id} left behind`);
  }
  assert.deepEqual(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(base)), []);
  const leftovers = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && readFileSafe(`/proc/${p}/cmdline`).includes(base));
  assert.deepEqual(leftovers, [], 'processes left behind');
  await rm(base, { recursive: true, force: true });
});

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

async function prepare(args: string[], o: Partial<BundleOptions> = {}) {
  const id = `t${Math.random().toString(16).slice(2, 10)}`;
  const dir = join(base, 'bundles', id);
  await makeBundle(dir, { args, ...o });
  const c = { id, name: id, bundle: dir, runtime, logPath: join(dir, 'ctr.log'), pidFile: join(dir, 'pid'),
    conmonPidFile: join(dir, 'conmon.pid'), terminal: o.terminal ?? false, stdin: false };
  made.push(c);
  return c;
}

test('a container that writes to both streams and exits 3', { skip }, async () => {
  const c = await prepare(['sh', '-c', 'echo hello; echo err >&2; exit 3']);
  const { pid, conmonPid } = await conmon.create(c);
  assert.equal((await runtime.state(c.id))?.status, 'created');
  assert.equal((await runtime.state(c.id))?.pid, pid);
  assert.ok(await conmon.isAlive(conmonPid, c.id));
  assert.equal(await conmon.exitStatus(c.id), undefined);
  const [a, b] = [conmon.waitExit(c.id), conmon.waitExit(c.id)];
  await runtime.start(c.id);
  const exit = await within('the container to exit', a);
  assert.equal(exit.exitCode, 3);
  assert.deepEqual(await b, exit);
  assert.ok(Math.abs(Date.parse(exit.finishedAt) - Date.now()) < 10_000);
  const lines = [];
  for await (const e of readLogs(c.logPath)) lines.push([e.stream, e.line.toString()]);
  assert.deepEqual(lines, [['stdout', 'hello\n'], ['stderr', 'err\n']]);
  assert.equal((await runtime.state(c.id))?.status, 'stopped');
  await runtime.delete(c.id);
  assert.equal(await runtime.state(c.id), undefined);
  await runtime.delete(c.id); // idempotent
  await assert.rejects(runtime.kill(c.id, 'KILL'), { kind: 'not-found', message: /container does not exist/ });
});

test('runc create failing surfaces runc\'s message', { skip }, async () => {
  const c = await prepare(['/nonexistent']);
  await assert.rejects(conmon.create(c), { name: 'BerthError', message: /exec: "\/nonexistent": stat \/nonexistent: no such file/ });
  assert.equal(await runtime.state(c.id), undefined);
});

test('conmon outlives the process that created the container; SIGTERM exits 143', { skip }, async () => {
  const c = await prepare(['sleep', '600'], { pidNamespace: false });
  const script = `
    import { Conmon } from ${JSON.stringify(new URL(`./conmon${ext}`, import.meta.url).href)};
    import { OciRuntime } from ${JSON.stringify(new URL(`./oci-runtime${ext}`, import.meta.url).href)};
    const runtime = new OciRuntime({ execRoot: ${JSON.stringify(join(base, 'exec'))} });
    const conmon = new Conmon({ exitDir: ${JSON.stringify(join(base, 'exits'))}, socketDir: ${JSON.stringify(join(base, 'socks'))} });
    const r = await conmon.create({ ...${JSON.stringify({ ...c, runtime: undefined })}, runtime });
    await runtime.start(${JSON.stringify(c.id)});
    console.log(JSON.stringify({ ...r, parent: process.pid }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const { pid, conmonPid, parent } = JSON.parse(child.stdout) as { pid: number; conmonPid: number; parent: number };
  assert.ok(!existsSync(`/proc/${parent}`), 'the creating process has exited');
  assert.ok(await conmon.isAlive(conmonPid, c.id));
  assert.equal(await conmon.isAlive(conmonPid, 'someone-else'), false);
  assert.equal(await conmon.isAlive(process.pid, c.id), false);
  assert.equal((await runtime.state(c.id))?.status, 'running');
  assert.deepEqual(await runtime.ps(c.id), [pid]);
  await runtime.pause(c.id);
  assert.equal((await runtime.state(c.id))?.status, 'paused');
  await assert.rejects(runtime.pause(c.id), { kind: 'conflict' });
  await runtime.resume(c.id);
  await runtime.update(c.id, { pids: { limit: 42 } });
  assert.equal(readFileSync(`/sys/fs/cgroup/pids/${c.id}/pids.max`, 'utf8').trim(), '42');
  await assert.rejects(runtime.start(c.id), { kind: 'conflict', message: /already running/ });
  const ac = new AbortController();
  const aborted = conmon.waitExit(c.id, ac.signal);
  ac.abort(new Error('gave up'));
  await assert.rejects(aborted, /gave up/);
  const exit = conmon.waitExit(c.id);
  await runtime.kill(c.id, 'TERM');
  assert.equal((await within('the exit after SIGTERM', exit)).exitCode, 143);
  assert.deepEqual(await conmon.exitStatus(c.id), await exit);
  await assert.rejects(runtime.kill(c.id, 'TERM'), { kind: 'conflict', message: /not running/ });
  assert.deepEqual(await runtime.ps(c.id), []);
  await until('conmon exits after the container', async () => !(await conmon.isAlive(conmonPid, c.id)));
});

test('follow a running container\'s log until it exits', { skip }, async () => {
  const c = await prepare(['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.1; done; printf end']);
  await conmon.create(c);
  const exited = conmon.waitExit(c.id);
  await runtime.start(c.id);
  const seen: string[] = [];
  await within('the follow to end with the exit', (async () => {
    for await (const e of readLogs(c.logPath, { follow: true, exited, pollMs: 50 })) seen.push(e.line.toString());
  })());
  assert.deepEqual(seen, ['1\n', '2\n', '3\n', 'end']);
});

test('attach: stdin reaches cat and its echo comes back; EOF ends it', { skip }, async () => {
  const c = { ...(await prepare(['cat'])), stdin: true };
  await conmon.create(c);
  const a = await conmon.attach(c.id);
  const exit = conmon.waitExit(c.id);
  await runtime.start(c.id);
  a.stdin.write('hello\n');
  const [first] = (await within('the echo of cat', once(a.output, 'data'))) as [Buffer];
  assert.deepEqual([...first.subarray(0, 1)], [2]);
  assert.equal(first.subarray(1).toString(), 'hello\n');
  a.stdin.end('bye');
  const rest: Buffer[] = [];
  await within('the attach stream to end after stdin did', (async () => {
    for await (const p of a.output) rest.push(p as Buffer);
  })());
  assert.equal(Buffer.concat(rest.map((p) => p.subarray(1))).toString(), 'bye');
  assert.equal((await within('cat to exit', exit)).exitCode, 0);
});

test('TTY: the process sees /dev/pts/0 and a resize', { skip }, async () => {
  const c = await prepare(['sh', '-c', 'tty; sleep 0.5; stty size'], { terminal: true });
  const { conmonPid } = await conmon.create(c);
  const a = await conmon.attach(c.id);
  await runtime.start(c.id);
  await conmon.resize(c.id, 30, 100);
  const out: Buffer[] = [];
  await within('the TTY stream to end with the process', (async () => {
    for await (const p of a.output) {
      assert.equal((p as Buffer)[0], 2); // a TTY has one stream: stdout
      out.push((p as Buffer).subarray(1));
    }
  })());
  assert.equal(Buffer.concat(out).toString(), '/dev/pts/0\r\n30 100\r\n');
  assert.equal((await within('the TTY process to exit', conmon.waitExit(c.id))).exitCode, 0);
  // Not isAlive: an exiting process loses its cmdline before it closes its files, so the FIFO
  // can still have its reader for a moment after isAlive turns false. A zombie has closed them.
  await until('conmon exits after the container and closes its files', () => exitedOrZombie(conmonPid));
  await assert.rejects(conmon.resize(c.id, 1, 1), { kind: 'conflict' }); // nobody reads the FIFO now
});

test('attach to a container without conmon fails cleanly', { skip }, async () => {
  await assert.rejects(conmon.attach('nope'), { kind: 'conflict', message: /chdir/ });
  assert.ok(execFileSync('perl', ['-MSocket', '-e', 'print SOCK_SEQPACKET']).toString() === '5');
});

test('log rotation: --log-size-max replaces the file; ctl "2" reopens a renamed one', { skip }, async () => {
  const c = { ...(await prepare(['sh', '-c', 'i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo line $i; done'])), logMaxSize: 500 };
  await conmon.create(c);
  await runtime.start(c.id);
  await within('the writer of 100 lines to exit', conmon.waitExit(c.id));
  const kept = [];
  for await (const e of readLogs(c.logPath)) kept.push(e.line.toString());
  assert.ok(kept.length > 0 && kept.length < 10, `kept ${kept.length} lines`);
  assert.equal(kept.at(-1), 'line 100\n'); // the newest survive; older ones are gone, not kept aside
  assert.ok(readFileSync(c.logPath).length <= 500);

  const d = await prepare(['sh', '-c', 'echo before; sleep 1; echo after']);
  await conmon.create(d);
  await runtime.start(d.id);
  await until('the log has the line before the rename', () => readFileSafe(d.logPath).includes('before'));
  await rename(d.logPath, `${d.logPath}.1`);
  await conmon.reopenLog(d.id);
  await within('the container to exit after the reopen', conmon.waitExit(d.id));
  assert.match(readFileSync(`${d.logPath}.1`, 'utf8'), /stdout F before\n$/);
  assert.match(readFileSync(d.logPath, 'utf8'), /^\S+ stdout F after\n$/);
});

/** The process is gone or a zombie (its files closed); field 3 of /proc/<pid>/stat is its state. */
function exitedOrZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
