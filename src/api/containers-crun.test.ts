// crun as a container's runtime, end to end with the docker CLI. crun refuses this machine kind's
// hybrid cgroup layout, and on cgroup v2 here it cannot raise RLIMIT_MEMLOCK (see
// runtime/monitor/runtime-support.ts), so berthd runs in a mount namespace whose /sys/fs/cgroup
// has the v1 controllers only (the unified mount is taken away): a simulated cgroup v1 host,
// which crun supports. Everything a container goes through is covered: prepared and plain starts,
// exec, pause, update, top, stats, kill, stop, a daemon restart, and the clean-up after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { Berthd } from '../testing/berthd-harness.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const hybrid = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' - ')[0]?.split(' ')[4] === '/sys/fs/cgroup/unified');
// Skips for the kind of host, not for a missing install (those fail: requires()).
const skip = requires('docker', 'unshare', 'crun', ...RUNS_CONTAINERS)
  || (!hybrid ? 'host kind: no hybrid cgroup layout to take the v2 part of away' : false);
const setup = 'mount --make-rprivate / && umount -l /sys/fs/cgroup/unified && exec "$@"';
const wrap = ['unshare', '-m', 'sh', '-c', setup, 'sh'];
const f = useBusyboxDaemon({ skip, harness: { wrap, daemonJson: { 'default-runtime': 'crun' } } });
const docker = f.docker;

/** The container's cgroups left in the v1 hierarchies (the same hierarchies the host has). */
function leftCgroups(id: string): string[] {
  return ['memory', 'pids', 'cpu', 'freezer'].map((c) => join('/sys/fs/cgroup', c, 'berth', id)).filter((p) => existsSync(p));
}

function crunStates(): string[] {
  const parent = join(f.d.dir, 'exec', 'runtimes');
  return readdirSync(parent).filter((d) => d.startsWith('crun.')).flatMap((d) => readdirSync(join(parent, d))).filter((n) => n !== 'runtime.json');
}

test('crun is the default runtime here: run, exit codes, a prepared start', { skip }, async () => {
  const info = await docker(['info', '--format', '{{.DefaultRuntime}} {{.CgroupVersion}} {{json .Runtimes.crun}}']);
  assert.equal(info.stdout, 'crun 1 {"path":"crun"}\n', 'usable: no status');
  assert.deepEqual(await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']), { code: 0, stdout: 'out\n', stderr: 'err\n' });
  assert.equal((await docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  assert.equal((await docker(['create', '--name', 'prep', 'busybox', 'echo', 'prepared'])).code, 0);
  assert.equal((await docker(['inspect', '-f', '{{.HostConfig.Runtime}}', 'prep'])).stdout, 'crun\n');
  assert.deepEqual(await docker(['start', '-a', 'prep']), { code: 0, stdout: 'prepared\n', stderr: '' });
  assert.equal((await docker(['rm', 'prep'])).code, 0);
  assert.deepEqual(await docker(['run', '--rm', '--runtime', 'runc', 'busybox', 'echo', 'runc too']), { code: 0, stdout: 'runc too\n', stderr: '' });
});

test('a crun container: exec, pause, update, top, stats, a daemon restart, stop, and nothing left', { skip }, async () => {
  const id = (await docker(['run', '-d', '--name', 'c1', 'busybox', 'sleep', '1000'])).stdout.trim();
  assert.deepEqual(await docker(['exec', 'c1', 'sh', '-c', 'echo exec ok; exit 4']), { code: 4, stdout: 'exec ok\n', stderr: '' });
  assert.deepEqual(await docker(['exec', '-i', 'c1', 'cat'], 'through stdin\n'), { code: 0, stdout: 'through stdin\n', stderr: '' });
  assert.equal((await docker(['pause', 'c1'])).code, 0);
  assert.equal(readFileSync(join('/sys/fs/cgroup/freezer/berth', id, 'freezer.state'), 'utf8').trim(), 'FROZEN');
  assert.equal((await docker(['unpause', 'c1'])).code, 0);
  const update = await docker(['update', '--memory', '64m', 'c1']);
  assert.equal(update.code, 0, update.stderr);
  assert.equal(readFileSync(join('/sys/fs/cgroup/memory/berth', id, 'memory.limit_in_bytes'), 'utf8').trim(), String(64 * 1024 * 1024));
  assert.match((await docker(['top', 'c1'])).stdout, /sleep 1000/);
  assert.match((await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'c1'])).stdout, /^c1 1\n$/);
  // live-restore: the next daemon manages it with crun again (the bundle says so).
  await f.d.stop();
  f.d = await new Berthd({ dir: f.d.dir, wrap, daemonJson: { 'default-runtime': 'crun' } }).start();
  assert.deepEqual(await docker(['exec', 'c1', 'echo', 'after restart']), { code: 0, stdout: 'after restart\n', stderr: '' });
  // crun's kill: a signal pid 1 does not handle is dropped (it is the namespace's init), so it runs on.
  assert.equal((await docker(['kill', '-s', 'USR1', 'c1'])).code, 0);
  assert.equal((await docker(['inspect', '-f', '{{.State.Status}}', 'c1'])).stdout, 'running\n');
  const stop = await docker(['stop', '-t', '1', 'c1']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((await docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'c1'])).stdout, 'exited 137\n');
  assert.equal((await docker(['rm', 'c1'])).code, 0);
  assert.deepEqual(leftCgroups(id), []);
  assert.deepEqual(crunStates(), []);
});
