// A cgroup v2-only host, simulated on this hybrid one: berthd runs in a mount namespace whose
// /sys/fs/cgroup is the unified hierarchy, so berthd and runc see cgroup v2 alone. Controllers
// bound to v1 here stay out of reach (no memory or pids limit), but the lifecycle, exec, the
// v2 freezer, stats and the clean-up all take their v2 paths. On a v2-only host the whole
// suite runs on v2 and this file is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

/** Where the host has the unified hierarchy mounted (undefined if it has none). */
function unifiedMount(): string | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.startsWith('cgroup2 ')) return pre!.split(' ')[4];
  }
  return undefined;
}

const unified = unifiedMount();
// Skips for the kind of host, not for a missing install (those fail: requires()).
const skip = requires('docker', 'unshare', ...RUNS_CONTAINERS)
  || (unified === undefined ? 'host kind: cgroup v1 only, no v2 hierarchy to simulate a v2-only host with'
  : unified === '/sys/fs/cgroup' ? 'host kind: cgroup v2 only, so every other test already runs on v2'
  : false);
const setup = 'mount --make-rprivate / && umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"';
const f = useBusyboxDaemon({ skip, harness: { wrap: ['unshare', '-m', 'sh', '-c', setup, 'sh'] } });
const docker = f.docker;

/** The cgroups left in the unified hierarchy of the containers whose ids start with `prefixes`
 * (other test files' daemons, on v1, have theirs there too). */
function leftCgroups(prefixes: string[]): string[] {
  const parent = join(unified ?? '', 'berth');
  const dirs = existsSync(parent) ? readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  return dirs.filter((d) => prefixes.some((p) => d.startsWith(p)));
}

test('on cgroup v2 only: run, exec, pause, stats, stop and rm, and nothing left in the hierarchy', { skip }, async () => {
  assert.equal((await docker(['info', '--format', '{{.CgroupVersion}} {{.CgroupDriver}}'])).stdout.trim(), '2 cgroupfs');
  // The container sees its own cgroup namespace, with the v2 hierarchy (CGROUP2_SUPER_MAGIC) at
  // /sys/fs/cgroup.
  const fs = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'stat -f -c %t /sys/fs/cgroup; cat /proc/self/cgroup | grep "^0::"; hostname']);
  assert.equal(fs.code, 0, fs.stderr);
  const [magic, own, shortId] = fs.stdout.split('\n');
  assert.deepEqual([magic, own], ['63677270', '0::/']);
  const id = (await docker(['run', '-d', '--name', 'v2', 'busybox', 'sleep', '1000'])).stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.ok(existsSync(join(unified!, 'berth', id, 'cgroup.procs')), 'its cgroup is in the unified hierarchy');
  assert.deepEqual(await docker(['exec', 'v2', 'echo', 'exec ok']), { code: 0, stdout: 'exec ok\n', stderr: '' });
  assert.equal((await docker(['pause', 'v2'])).code, 0);
  assert.equal(readFileSync(join(unified!, 'berth', id, 'cgroup.freeze'), 'utf8').trim(), '1', 'the v2 freezer holds it');
  assert.equal((await docker(['inspect', '--format', '{{.State.Status}}', 'v2'])).stdout.trim(), 'paused');
  assert.equal((await docker(['unpause', 'v2'])).code, 0);
  const stats = await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'v2']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^v2 \d+\n$/);
  assert.equal((await docker(['stop', '-t', '1', 'v2'])).code, 0);
  assert.equal((await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'v2'])).stdout.trim(), 'exited 137');
  assert.equal((await docker(['rm', 'v2'])).code, 0);
  assert.deepEqual(leftCgroups([id, shortId!]), []);
});

test('on cgroup v2 only: crun runs, execs and stops a container, or is refused with the reason info gives', { skip: skip || requires('crun') }, async () => {
  const runtimes = JSON.parse((await docker(['info', '--format', '{{json .Runtimes}}'])).stdout) as Record<string, { status?: Record<string, string> }>;
  const refusal = runtimes.crun?.status?.['berth.unavailable'];
  if (refusal) {
    // crun before 1.14 raises RLIMIT_MEMLOCK for its v2 device filter; some hosts do not let it.
    assert.match(refusal, /^crun [\d.]+ cannot run containers on this host: on cgroup v2 it raises RLIMIT_MEMLOCK/);
    const r = await docker(['run', '--rm', '--runtime', 'crun', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.ok(r.stderr.includes(`Error response from daemon: runtime "crun": ${refusal}`), r.stderr);
    return;
  }
  const id = (await docker(['run', '-d', '--runtime', 'crun', '--name', 'v2crun', 'busybox', 'sleep', '1000'])).stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.ok(existsSync(join(unified!, 'berth', id, 'cgroup.procs')), 'its cgroup is in the unified hierarchy');
  assert.deepEqual(await docker(['exec', 'v2crun', 'echo', 'crun exec ok']), { code: 0, stdout: 'crun exec ok\n', stderr: '' });
  assert.equal((await docker(['stop', '-t', '1', 'v2crun'])).code, 0);
  assert.equal((await docker(['rm', 'v2crun'])).code, 0);
  assert.deepEqual(leftCgroups([id]), []);
});
