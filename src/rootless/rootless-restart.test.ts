// A rootless berthd across restarts (issue 15): a volume outlives a graceful restart; a
// container outlives a SIGKILL of berthd (live-restore: conmon and the container stay in the
// namespace holder, which outlives berthd) and the restarted berthd adopts it; a root berthd
// on the same host goes on undisturbed. After the user's removal nothing of it is left: no
// process, no mount, no user namespace.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '../testing/requires.ts';
import { RUNS_ROOTLESS } from '../testing/rootless-user.ts';
import type { RootlessUser } from '../testing/rootless-user.ts';
import { removeRootlessUser, startRootlessUser } from '../testing/rootless-fixture.ts';
import type { RootlessBerthd } from '../testing/rootless-berthd.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { isLiveProcess } from '../lib/proc.ts';
import { until } from '../testing/until.ts';

const skip = requires(...RUNS_ROOTLESS);
let u: RootlessUser;
let d: RootlessBerthd;
let rootfulPid = 0;
// The root berthd next to it, with a container running through the whole file; its `setup`
// runs once its image is there (a second top-level `before` could run before its own).
const rootful = useBusyboxDaemon({
  skip,
  setup: async (f) => {
    const r = await f.docker(['run', '-d', '--name', 'rootful', 'busybox', 'sleep', '600']);
    assert.equal(r.code, 0, r.stderr);
    rootfulPid = Number((await f.docker(['inspect', '-f', '{{.State.Pid}}', 'rootful'])).stdout.trim());
    ({ u, d } = await startRootlessUser({}, (user) => (u = user)));
  },
});
after(async () => {
  if (!skip && u) await removeRootlessUser(u);
});

const ok = (args: string[]): Promise<string> => u.dockerOk(args, () => d.log);

test('a volume and what is in it survive a restart of the rootless berthd', { skip }, async () => {
  await ok(['volume', 'create', 'keep']);
  await ok(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f']);
  const holder = holderChild();
  assert.equal(await d.stop(), 0);
  // Nothing ran: the holder went with berthd (idle-holder.ts), and the next start makes one.
  await until('the idle holder has ended', () => !isLiveProcess(holder));
  d = await u.startBerthd();
  assert.notEqual(holderChild(), holder);
  assert.match(await ok(['volume', 'ls', '-q']), /^keep$/m);
  assert.equal(await ok(['run', '--rm', '-v', 'keep:/data', 'busybox', 'cat', '/data/f']), 'kept\n');
});

test('live-restore: a container keeps running across a SIGKILL of berthd, and the restarted berthd adopts it', { skip }, async () => {
  await ok(['run', '-d', '--name', 'lives', 'busybox', 'sleep', '600']);
  const pid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'lives'])).trim());
  const holder = holderChild();
  await d.kill();
  assert.ok(isLiveProcess(pid), 'the container outlived berthd');
  assert.ok(isLiveProcess(holder), 'the namespace holder outlived berthd');
  d = await u.startBerthd();
  assert.equal(holderChild(), holder, 'the restarted berthd joined the same holder');
  assert.equal((await ok(['inspect', '-f', '{{.State.Running}} {{.State.Pid}}', 'lives'])).trim(), `true ${pid}`);
  assert.equal((await ok(['exec', 'lives', 'echo', 'adopted'])).trim(), 'adopted');
  await ok(['rm', '-f', 'lives']);
  assert.ok(!isLiveProcess(pid));
});

test('a graceful stop with a container running keeps the holder, and the container runs on', { skip }, async () => {
  await ok(['run', '-d', '--name', 'stays', 'busybox', 'sleep', '600']);
  const pid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'stays'])).trim());
  const holder = holderChild();
  assert.equal(await d.stop(), 0);
  assert.match(d.log, /Namespace holder kept/);
  assert.ok(isLiveProcess(holder) && isLiveProcess(pid));
  d = await u.startBerthd();
  assert.equal((await ok(['inspect', '-f', '{{.State.Running}} {{.State.Pid}}', 'stays'])).trim(), `true ${pid}`);
  await ok(['rm', '-f', 'stays']);
});

test('the root berthd on the same host is not disturbed', { skip }, async () => {
  assert.ok(isLiveProcess(rootfulPid), "the root daemon's container still runs");
  const ps = await rootful.docker(['ps', '--format', '{{.Names}}']);
  assert.equal(ps.stdout.trim(), 'rootful', "the root daemon sees its own container and none of the user's");
  assert.notEqual(rootful.d.socket, u.socket);
  const r = await rootful.docker(['rm', '-f', 'rootful']);
  assert.equal(r.code, 0, r.stderr);
});

test('a holder that died is replaced at the next start (its stale state dir cleared)', { skip }, async () => {
  await d.kill(); // a graceful stop would end the idle holder itself
  const old = holderChild();
  await u.killAll(); // the holder, slirp4netns: everything of the user, its state dir left behind
  d = await u.startBerthd();
  assert.notEqual(holderChild(), old);
  assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'again']), 'again\n');
});

test('after the removal of the user no process, mount or user namespace of it remains', { skip }, async () => {
  const ns = readlinkSync(`/proc/${holderChild()}/ns/user`);
  const inside = pidsIn(ns);
  assert.ok(inside.length >= 2, 'the holder (and berthd) are in the namespace before');
  await u.remove();
  assert.deepEqual(u.leftovers(), []);
  // A namespace lives while a process is in it. Its inode number may be reused by a namespace
  // made later (other tests), so what is checked is that none of its processes is still there.
  assert.deepEqual(inside.filter((pid) => pidsIn(ns).includes(pid)), [], `no process is left in the user namespace ${ns}`);
});

function pidsIn(ns: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readlinkSync(`/proc/${p}/ns/user`) === ns;
    } catch {
      return false;
    }
  }).map(Number);
}

function holderChild(): number {
  return Number(readFileSync(join(u.runtimeDir, 'berth/rootlesskit/child_pid'), 'utf8').trim());
}
