// Starts prepared right after the create (daemon/containers/prepared-starts.ts): the start uses
// the runc container made for it, honours what changed since the create, and a container whose
// start never comes is ended after its time, by its removal, or by the next daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { pack } from 'tar-stream';
import { Berthd } from '../testing/berthd-harness.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { cgroupsOf, processesOf } from '../testing/leftovers.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const TTL_MS = 1500;
const harness = { env: { BERTH_PREPARED_START_TTL_MS: String(TTL_MS) } };
const f = useBusyboxDaemon({ skip, harness });
const docker = f.docker;

const runcState = (id: string) => join(f.d.dir, 'exec', 'runc', id, 'state.json');
const mounted = (merged: string) => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === merged);

interface Prepared { id: string; pid: number; merged: string }

async function createPrepared(args: string[]): Promise<Prepared> {
  const r = await docker(['create', ...args]);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  const pidFile = join(f.d.dir, 'exec', 'containers', id, 'pid');
  await until('its start is prepared', () => existsSync(runcState(id)) && existsSync(pidFile));
  const merged = (await docker(['inspect', '--format', '{{.GraphDriver.Data.MergedDir}}', id])).stdout.trim();
  assert.ok(mounted(merged), 'the rootfs is mounted for the start');
  return { id, pid: Number(readFileSync(pidFile, 'utf8')), merged };
}

function nothingLeft({ id, merged }: Prepared): void {
  assert.equal(existsSync(runcState(id)), false, 'no runc state');
  assert.deepEqual(processesOf([id]), [], 'no conmon or runc init');
  assert.deepEqual(cgroupsOf([id]), [], 'no cgroup');
  assert.equal(mounted(merged), false, 'no rootfs mount');
  assert.equal(existsSync(join(f.d.dir, 'exec', 'exits', id)), false, 'no exit file');
  assert.equal(existsSync(join(f.d.dir, 'exec', 'socket', id)), false, 'no attach socket link');
}

test('the start uses the container prepared after the create; inspect shows nothing of it before', { skip }, async () => {
  const c = await createPrepared(['busybox', 'sh', '-c', 'cat /etc/motd; exec sleep 1000']);
  assert.equal((await docker(['inspect', '--format', '{{.State.Status}} {{.State.Pid}}', c.id])).stdout.trim(), 'created 0');
  assert.equal((await docker(['exec', c.id, 'true'])).code, 1, 'exec refuses a created container');
  // A file copied in meanwhile changes nothing the runtime was given: the container is used,
  // and sees the file (the copy's end leaves the rootfs mounted for it).
  const dir = mkdtempSync(join(tmpdir(), 'motd-'));
  writeFileSync(join(dir, 'motd'), 'copied\n');
  assert.equal((await docker(['cp', join(dir, 'motd'), `${c.id}:/etc/motd`])).code, 0);
  rmSync(dir, { recursive: true });
  assert.ok(mounted(c.merged));
  const upperDir = (await docker(['inspect', '--format', '{{.GraphDriver.Data.UpperDir}}', c.id])).stdout.trim();
  assert.equal((await docker(['start', c.id])).code, 0);
  assert.equal((await docker(['inspect', '--format', '{{.State.Status}} {{.State.Pid}}', c.id])).stdout.trim(), `running ${c.pid}`);
  assert.ok(existsSync(join(upperDir, 'etc', 'motd')), 'the copy is in the writable layer');
  let logs = await docker(['logs', c.id]);
  await until('the container has logged', async () => (logs = await docker(['logs', c.id])).stdout !== '');
  assert.deepEqual(logs, { code: 0, stdout: 'copied\n', stderr: '' });
  assert.equal((await docker(['rm', '-f', c.id])).code, 0);
  nothingLeft(c);
});

test('a copy into the container right after its create shares the mount its start is prepared on', { skip }, async () => {
  const containers = f.d.client().containers;
  for (let i = 0; i < 3; i++) {
    const { Id } = await containers.create({ Image: 'busybox', Cmd: ['cat', '/etc/motd'] });
    const tar = pack();
    tar.entry({ name: 'motd', mode: 0o644 }, `copy ${i}\n`);
    tar.finalize();
    await containers.putArchive(Id, '/etc', tar as unknown as Readable); // at once, as a client library does
    const merged = (await docker(['inspect', '--format', '{{.GraphDriver.Data.MergedDir}}', Id])).stdout.trim();
    await until('its start is prepared', () => existsSync(runcState(Id)));
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1] === merged);
    assert.equal(mounts.length, 1, 'one overlay on the writable layer');
    assert.deepEqual(await docker(['start', '-a', Id]), { code: 0, stdout: `copy ${i}\n`, stderr: '' });
    assert.equal((await docker(['rm', Id])).code, 0);
  }
});

test('the start sees what changed since the create (update, rename) and uses a new container', { skip }, async () => {
  const c = await createPrepared(['-m', '64m', 'busybox', 'sleep', '1000']);
  assert.equal((await docker(['update', '-m', '32m', '--memory-swap', '64m', c.id])).code, 0);
  assert.equal((await docker(['rename', c.id, 'renamed'])).code, 0);
  assert.equal((await docker(['start', 'renamed'])).code, 0);
  const pid = Number((await docker(['inspect', '--format', '{{.State.Pid}}', c.id])).stdout.trim());
  assert.ok(pid > 0 && pid !== c.pid, `a new process (${pid}, prepared ${c.pid})`);
  const limit = await docker(['exec', c.id, 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
  assert.equal(limit.stdout, '33554432\n');
  assert.equal((await docker(['rm', '-f', c.id])).code, 0);
  nothingLeft(c);
});

test('a bind source replaced since the create (a file renamed over it) is what the start binds', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bind-'));
  writeFileSync(join(dir, 'conf'), 'old\n');
  const c = await createPrepared(['-v', `${join(dir, 'conf')}:/conf:ro`, 'busybox', 'cat', '/conf']);
  writeFileSync(join(dir, 'conf.new'), 'new\n');
  renameSync(join(dir, 'conf.new'), join(dir, 'conf')); // as editors save
  assert.deepEqual(await docker(['start', '-a', c.id]), { code: 0, stdout: 'new\n', stderr: '' });
  assert.equal((await docker(['rm', c.id])).code, 0);
  rmSync(dir, { recursive: true });
  nothingLeft(c);
});

test('a prepared container whose start does not come is ended after its time, and starts as usual later', { skip }, async () => {
  const c = await createPrepared(['busybox', 'echo', 'late']);
  await until('the preparation expires', () => !existsSync(runcState(c.id)) && processesOf([c.id]).length === 0 && !mounted(c.merged), { timeoutMs: TTL_MS + 10_000 });
  nothingLeft(c);
  const events = await docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${c.id}`, '--format', '{{.Action}}']);
  assert.equal(events.stdout, 'create\n', 'its ending sends no event');
  assert.deepEqual(await docker(['start', '-a', c.id]), { code: 0, stdout: 'late\n', stderr: '' });
  assert.equal((await docker(['rm', c.id])).code, 0);
});

test('a stray runtime container of the same id (a monitor that outlived its daemon) is ended by the start, which then works', { skip }, async () => {
  const c = await createPrepared(['busybox', 'echo', 'over a stray']);
  await until('the preparation expires', () => !existsSync(runcState(c.id)) && processesOf([c.id]).length === 0 && !mounted(c.merged), { timeoutMs: TTL_MS + 10_000 });
  // What such a monitor's `runc create` leaves: a container of that id, waiting on its FIFO.
  const bundle = mkdtempSync(join(tmpdir(), 'stray-'));
  try {
    mkdirSync(join(bundle, 'rootfs'));
    assert.equal(spawnSync('sh', ['-c', `scripts/busybox-rootfs | tar -x -C ${bundle}/rootfs && runc spec --bundle ${bundle}`]).status, 0);
    const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    Object.assign(spec.process, { terminal: false, args: ['sleep', '1000'] });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    // Its init keeps runc's stdio: a pipe would never end, so runc's errors go to a file.
    const made = spawnSync('sh', ['-c', `runc --root ${join(f.d.dir, 'exec', 'runc')} create --bundle ${bundle} ${c.id} </dev/null >/dev/null 2>${bundle}/err`], { stdio: 'ignore', timeout: 30_000 });
    assert.equal(made.status, 0, readFileSync(join(bundle, 'err'), 'utf8'));
    assert.ok(existsSync(runcState(c.id)));
    assert.deepEqual(await docker(['start', '-a', c.id]), { code: 0, stdout: 'over a stray\n', stderr: '' });
    assert.match(f.d.log, /ending a stray runtime container before its start/);
    assert.equal((await docker(['rm', c.id])).code, 0);
    nothingLeft(c);
  } finally {
    spawnSync('runc', ['--root', join(f.d.dir, 'exec', 'runc'), 'delete', '--force', c.id]);
    rmSync(bundle, { recursive: true, force: true });
  }
});

test('a daemon killed while a start is prepared: the next one ends it, and the start works', { skip }, async () => {
  const c = await createPrepared(['busybox', 'echo', 'after restart']);
  await f.d.kill();
  // A log directory a removal had renamed away but not yet deleted: the next daemon deletes it.
  const debris = join(f.d.dir, 'data', 'containers', `.removed-${'0'.repeat(64)}-00000000`);
  mkdirSync(debris, { recursive: true });
  writeFileSync(join(debris, 'x-json.log'), 'old\n');
  f.d = await new Berthd({ dir: f.d.dir, ...harness }).start();
  nothingLeft(c);
  await until('the half-deleted log directory is gone', () => !existsSync(debris));
  assert.deepEqual(await docker(['start', '-a', c.id]), { code: 0, stdout: 'after restart\n', stderr: '' });
  assert.equal((await docker(['rm', c.id])).code, 0);
  nothingLeft(c);
});
