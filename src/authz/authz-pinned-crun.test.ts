// A bind approved by a rule with bind-paths is handed to the runtime staged from a descriptor
// (runtime/spec/pinned-binds.ts): crun mounts it as runc does (authz-review.test.ts has runc's
// side and the swapped-source cases). berthd runs as containers-crun.test.ts runs it: in a mount
// namespace with only the v1 cgroup controllers, which crun supports here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const hybrid = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' - ')[0]?.split(' ')[4] === '/sys/fs/cgroup/unified');
const skip = requires('docker', 'unshare', 'crun', ...RUNS_CONTAINERS)
  || (!hybrid ? 'host kind: no hybrid cgroup layout to take the v2 part of away' : false);
const wrap = ['unshare', '-m', 'sh', '-c', 'mount --make-rprivate / && umount -l /sys/fs/cgroup/unified && exec "$@"', 'sh'];

const dir = mkdtempSync(join(tmpdir(), 'berth-authz-crun-'));
const allowed = join(dir, 'allowed');
mkdirSync(join(allowed, 'x'), { recursive: true });
writeFileSync(join(allowed, 'x', 'approved-marker'), '');
const policy = join(dir, 'policy.json');
writeFileSync(policy, JSON.stringify({
  rules: [{ name: 'ci', who: { users: ['root'] }, allow: ['containers', 'images'], limits: { 'bind-paths': [allowed] } }],
}));

const f = useBusyboxDaemon({ skip, harness: { wrap, args: ['--authz-policy', policy], daemonJson: { 'default-runtime': 'crun' } } });
after(() => rmSync(dir, { recursive: true, force: true }));

test('crun mounts an approved bind from its staged descriptor, read-only too, and nothing stays staged', { skip }, async () => {
  for (const ro of ['', ':ro']) {
    const r = await f.docker(['run', '--rm', '-v', `${join(allowed, 'x')}:/h${ro}`, 'busybox', 'sh', '-c', 'ls /h && grep " /h " /proc/mounts']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /approved-marker/);
    assert.match(r.stdout, ro ? / \/h \S+ ro[,\s]/ : / \/h \S+ rw[,\s]/);
  }
  const staged = readFileSync(`/proc/${f.d.pid}/mountinfo`, 'utf8').split('\n').filter((l) => l.includes('/pinned/'));
  assert.deepEqual(staged, [], 'the staging mounts are detached once the runtime has made the container');
});
