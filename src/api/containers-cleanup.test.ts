// Removing a container leaves nothing behind: after cycles of run/exec/stop/rm (and run --rm)
// no mount under the daemon's directories, no cgroup, no monitor process, no runtime state, no
// log, exit file, attach socket or exec session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { isKind } from './types/errors.ts';
import { cgroupsOf, processesOf } from '../testing/leftovers.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const docker = f.docker;

test('create/start/exec/stop/rm cycles leave no mount, cgroup, process or file behind', { skip }, async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await docker(['run', '-d', '--memory', '64m', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    ids.push(id);
    assert.equal((await docker(['exec', id, 'true'])).code, 0);
    if (i % 2) assert.equal((await docker(['stop', '-t', '0', id])).code, 0);
    assert.equal((await docker(['rm', '-f', id])).code, 0);
  }
  const created = (await docker(['create', 'busybox', 'true'])).stdout.trim();
  ids.push(created);
  assert.equal((await docker(['start', '-a', created])).code, 0);
  assert.equal((await docker(['rm', created])).code, 0);
  // Created and removed without a start: at once (while its start is being prepared), and
  // after the preparation has made its runc container and conmon.
  for (const pause of [0, 500]) {
    const unstarted = (await docker(['create', '--memory', '64m', 'busybox', 'true'])).stdout.trim();
    ids.push(unstarted);
    await new Promise((r) => setTimeout(r, pause));
    assert.equal((await docker(['rm', unstarted])).code, 0);
  }
  const rm = await docker(['run', '--rm', '--name', 'gone', 'busybox', 'echo', 'hi']);
  assert.equal(rm.code, 0, rm.stderr);
  // Starts that fail in `runc create` (no such command), removed by --rm and by rm.
  assert.equal((await docker(['run', '--rm', '--name', 'failed', 'busybox', 'nosuchcmd'])).code, 127);
  const bad = (await docker(['create', 'busybox', 'nosuchcmd'])).stdout.trim();
  ids.push(bad);
  const start = await docker(['start', bad]);
  assert.equal(start.code, 1);
  // As dockerd: the user's mistake (400, not a daemon failure) and the shell's exit code for it.
  assert.match(start.stderr, /^Error response from daemon: .*exec: "nosuchcmd": executable file not found in \$PATH/);
  assert.equal((await docker(['inspect', '-f', '{{.State.ExitCode}}', bad])).stdout, '127\n');
  await assert.rejects(f.d.client().api.request('POST', `/containers/${bad}/start`), (e: Error) => isKind(e, 'invalid-parameter'), 'a 400');
  assert.equal((await docker(['rm', bad])).code, 0);

  assert.deepEqual((await docker(['ps', '-aq'])).stdout, '');
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(f.d.dir));
  assert.deepEqual(mounts, [], 'no mount left under the daemon directory');
  assert.deepEqual(cgroupsOf(ids), [], 'no cgroup left');
  assert.deepEqual(processesOf(ids), [], 'no conmon, runc or container process left');
  const exec = join(f.d.dir, 'exec');
  for (const sub of ['containers', 'exits', 'socket', 'execs', 'runc']) {
    // Every container of this daemon is gone by now, those not in `ids` (--rm's) too.
    const left = existsSync(join(exec, sub)) ? readdirSync(join(exec, sub)) : [];
    assert.deepEqual(left, [], `nothing left in ${sub}`);
  }
  // A removed container's log directory is renamed away at once and deleted behind the removal.
  const logs = join(f.d.dir, 'data', 'containers');
  const logDirs = () => (existsSync(logs) ? readdirSync(logs) : []);
  await until('no log directory is left', () => logDirs().length === 0);
});

test('a rootfs still busy at the exit stays mounted, and the removal takes it away (lazily) all the same', { skip }, async (t) => {
  const id = (await docker(['run', '-d', 'busybox', 'sleep', '1000'])).stdout.trim();
  const merged = (await docker(['inspect', '-f', '{{.GraphDriver.Data.MergedDir}}', id])).stdout.trim();
  // A host process with its cwd in the rootfs: the exit's unmount is refused (EBUSY).
  const holder = spawn('sleep', ['60'], { cwd: merged, stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === merged);
  assert.equal((await docker(['stop', '-t', '0', id])).code, 0);
  assert.ok(mounted(), 'the exit could not unmount the busy rootfs');
  assert.match(f.d.log, /unmount at exit failed/);
  const rm = await docker(['rm', id]);
  assert.equal(rm.code, 0, rm.stderr);
  const left = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(f.d.dir));
  assert.deepEqual(left, [], 'nothing is mounted under the daemon directory, in the staging debris neither');
  assert.match(f.d.log, /busy mount in a removed layer detached lazily/);
});
