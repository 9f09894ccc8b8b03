// runc's start, kill and delete done without the binary, against real runc containers (needs root):
// what runc itself reports afterwards is the judge.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { requires } from '../../testing/requires.ts';
import { until } from '../../testing/until.ts';
import { OciRuntime } from './oci-runtime.ts';
import { deleteStopped, signalInit, startThroughFifo } from './runc-shortcuts.ts';
import { makeBundle } from './test-bundle.ts';

const skip = requires('root', 'runc', 'tar', 'busybox');

let base: string;
let runtime: OciRuntime;
const made: string[] = [];

before(async () => {
  if (skip) return;
  base = await mkdtemp(join(tmpdir(), 'berth-runc-'));
  runtime = new OciRuntime({ execRoot: base });
});

after(async () => {
  if (skip) return;
  for (const id of made) await runtime.delete(id, true);
  for (const id of made) assert.ok(!existsSync(`/sys/fs/cgroup/pids/${id}`), `cgroup of ${id} left behind`);
  await rm(base, { recursive: true, force: true });
});

/** `runc create` of a busybox bundle: the container waits on its exec FIFO. */
async function created(args: string[]): Promise<{ id: string; pid: number; out: string }> {
  const id = `s${Math.random().toString(16).slice(2, 10)}`;
  const dir = join(base, 'bundles', id);
  await mkdir(dir, { recursive: true });
  await makeBundle(dir, { args });
  const r = spawnSync('runc', [...runtime.globalArgs(), 'create', '--bundle', dir, '--pid-file', join(dir, 'pid'), id], { stdio: 'ignore' });
  assert.equal(r.status, 0, 'runc create');
  made.push(id);
  return { id, pid: Number(readFileSync(join(dir, 'pid'), 'utf8')), out: join(dir, 'rootfs', 'out') };
}

/** 200 looks, 25 ms apart. */
const POLL = { timeoutMs: 5000, stepMs: 25 };
const status = async (id: string) => (await runtime.state(id))?.status;

test('start through the FIFO runs the process; runc then says running, and stopped after', { skip }, async () => {
  const c = await created(['sh', '-c', 'echo started > /out; sleep 0.3']);
  assert.equal(await status(c.id), 'created');
  assert.equal(await startThroughFifo(join(runtime.root, c.id), c.pid), true);
  assert.equal(await status(c.id), 'running');
  await until('the process to write', async () => existsSync(c.out), POLL);
  assert.equal(readFileSync(c.out, 'utf8'), 'started\n');
  await until('the exit', async () => (await status(c.id)) === 'stopped', POLL);
});

test('delete of a stopped container removes its cgroups and runc state; runc no longer knows it', { skip }, async () => {
  const c = await created(['true']);
  const cgroups = Object.values((JSON.parse(readFileSync(join(runtime.root, c.id, 'state.json'), 'utf8')) as { cgroup_paths: Record<string, string> }).cgroup_paths);
  assert.ok(cgroups.length > 0 && cgroups.every((p) => existsSync(p)));
  await runtime.start(c.id, c.pid);
  await until('the exit', async () => (await status(c.id)) === 'stopped', POLL);
  assert.equal(await deleteStopped(join(runtime.root, c.id)), true);
  assert.deepEqual(cgroups.filter((p) => existsSync(p)), []);
  assert.equal(existsSync(join(runtime.root, c.id)), false);
  assert.equal(await runtime.state(c.id), undefined);
});

test('a running container is not deleted by the shortcut; runtime.delete falls back to runc', { skip }, async () => {
  const c = await created(['sleep', '100']);
  await runtime.start(c.id);
  assert.equal(await deleteStopped(join(runtime.root, c.id)), false, 'its cgroups hold a process');
  assert.equal(await status(c.id), 'running', 'nothing was removed');
  await runtime.delete(c.id, true);
  assert.equal(await runtime.state(c.id), undefined);
});

test('a created container whose process died: start rejects instead of waiting forever', { skip }, async () => {
  const c = await created(['true']);
  process.kill(c.pid, 'SIGKILL');
  await assert.rejects(startThroughFifo(join(runtime.root, c.id), c.pid), /process is already dead/);
});

test('kill signals a running init; runc then says stopped', { skip }, async () => {
  const c = await created(['sleep', '100']);
  await runtime.start(c.id, c.pid);
  assert.equal(signalInit(join(runtime.root, c.id), 9), true);
  await until('the kill to take', async () => (await status(c.id)) === 'stopped', POLL);
  assert.equal(signalInit(join(runtime.root, c.id), 9), false, 'a stopped container is left to runc (which says so)');
  await assert.rejects(runtime.kill(c.id, 9), /not running/);
});

test('kill declines a frozen container (runc thaws it for a KILL) and an init whose pid no longer matches', { skip }, async () => {
  const c = await created(['sleep', '100']);
  await runtime.start(c.id, c.pid);
  await runtime.pause(c.id);
  assert.equal(signalInit(join(runtime.root, c.id), 9), false);
  await runtime.kill(c.id, 9); // runc's own kill, which thaws it for the KILL
  await until('the kill to take', async () => (await status(c.id)) === 'stopped', POLL);
  const d = await created(['sleep', '100']);
  const state = join(runtime.root, d.id, 'state.json');
  const original = readFileSync(state, 'utf8');
  const json = JSON.parse(original) as { init_process_start: number };
  json.init_process_start += 1; // as if the pid now belonged to another process
  writeFileSync(state, JSON.stringify(json));
  assert.equal(signalInit(join(runtime.root, d.id), 9), false);
  assert.ok(existsSync(`/proc/${d.pid}`), 'nothing was signalled');
  writeFileSync(state, original); // runc would take it for stopped too, and leave its process
});

test('no runc layout: the shortcuts decline and leave the directory alone', { skip }, async () => {
  const dir = join(base, 'not-runc');
  await mkdir(dir, { recursive: true });
  execFileSync('touch', [join(dir, 'status')]);
  assert.equal(await startThroughFifo(dir, 1), false);
  assert.equal(await deleteStopped(dir), false);
  assert.equal(signalInit(dir, 0), false);
  assert.ok(existsSync(join(dir, 'status')));
});
