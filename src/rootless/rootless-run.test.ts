// A rootless berthd end to end (issue 15): an ordinary user made by the test, its own berthd
// (bin/berthd run by that user: the launcher puts it in rootlesskit's namespaces), and the real
// docker CLI run as that user. Containers: root inside, the user's uid on the host; exec, logs,
// stop, cp, commit; bind-mount ownership; an image whose files belong to uid 1000 and 65534.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, chownSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '../testing/requires.ts';
import { ownerOf, RUNS_ROOTLESS } from '../testing/rootless-user.ts';
import type { RootlessUser } from '../testing/rootless-user.ts';
import { useRootlessUser } from '../testing/rootless-fixture.ts';
import type { RootlessBerthd } from '../testing/rootless-berthd.ts';

const skip = requires(...RUNS_ROOTLESS);
let u: RootlessUser;
let d: RootlessBerthd;

useRootlessUser({ skip, ready: (user, daemon) => ((u = user), (d = daemon)) });

const ok = (args: string[], input?: string): Promise<string> => u.dockerOk(args, () => d.log, input);

test('the daemon runs as the user, on its socket (0600) under XDG_RUNTIME_DIR, with its data in ~/.local/share', { skip }, async () => {
  const st = statSync(u.socket);
  assert.equal(st.uid, u.uid);
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(readFileSync(`/proc/${d.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1], String(u.uid));
  assert.equal((await ok(['info', '--format', '{{.DockerRootDir}}'])).trim(), join(u.home, '.local/share/berth'));
});

test('docker run --rm busybox id: root inside the container', { skip }, async () => {
  assert.match(await ok(['run', '--rm', 'busybox', 'id']), /^uid=0\(root\) gid=0\(root\)/);
});

test("the container's process runs as the user's uid on the host; exec, logs, top and stop work", { skip }, async () => {
  await ok(['run', '-d', '--name', 'sleeper', 'busybox', 'sh', '-c', 'echo started; exec sleep 600']);
  const pid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'sleeper'])).trim());
  assert.ok(pid > 0);
  assert.equal(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1], String(u.uid));
  assert.equal(execFileSync('ps', ['-o', 'user=', '-p', String(pid)], { encoding: 'utf8' }).trim(), u.name);
  assert.equal((await ok(['exec', 'sleeper', 'sh', '-c', 'echo $((6*7)) $(id -u)'])).trim(), '42 0');
  assert.equal((await ok(['logs', 'sleeper'])).trim(), 'started');
  // No cgroup of its own: top lists its pid namespace, not berthd's cgroup (the host's processes).
  assert.deepEqual((await ok(['top', 'sleeper', '-o', 'pid,comm'])).trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)), [[String(pid), 'sleep']]);
  await ok(['stop', '-t', '1', 'sleeper']);
  assert.equal((await ok(['inspect', '-f', '{{.State.Running}}', 'sleeper'])).trim(), 'false');
  await ok(['rm', 'sleeper']);
});

test("a file the container's root writes onto a bind mount belongs to the user on the host", { skip }, async () => {
  const dir = join(u.home, 'bind');
  mkdirSync(dir);
  chownSync(dir, u.uid, u.gid);
  await ok(['run', '--rm', '-v', `${dir}:/m`, 'busybox', 'sh', '-c', 'echo hi > /m/f']);
  assert.deepEqual(ownerOf(join(dir, 'f')), { uid: u.uid, gid: u.gid });
  assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'hi\n');
});

test('docker cp both ways and docker commit', { skip }, async () => {
  const src = await u.writeFile('to-copy.txt', 'copied in\n');
  await ok(['create', '--name', 'files', 'busybox', 'sh', '-c', 'cat /tmp/in.txt > /made; echo made >> /made']);
  await ok(['cp', src, 'files:/tmp/in.txt']);
  await ok(['start', '-a', 'files']);
  await ok(['cp', 'files:/made', join(u.home, 'out.txt')]);
  assert.equal(readFileSync(join(u.home, 'out.txt'), 'utf8'), 'copied in\nmade\n');
  assert.equal(ownerOf(join(u.home, 'out.txt')).uid, u.uid);
  await ok(['commit', 'files', 'committed:1']);
  assert.equal(await ok(['run', '--rm', 'committed:1', 'cat', '/made']), 'copied in\nmade\n');
  await ok(['rm', 'files']);
});

test('an image whose files belong to uid 1000 and 65534 unpacks with those owners, mapped through the subordinate range', { skip }, async () => {
  // busybox plus /home/user (1000:1000) and /home/nobody (65534:65534), appended by GNU tar.
  const stage = join(u.base, 'owners');
  mkdirSync(join(stage, 'home/user'), { recursive: true });
  mkdirSync(join(stage, 'home/nobody'), { recursive: true });
  chownSync(join(stage, 'home/user'), 1000, 1000);
  chownSync(join(stage, 'home/nobody'), 65534, 65534);
  const tar = await u.writeFile('owners.tar', readFileSync(join(u.home, 'busybox.tar')));
  execFileSync('tar', ['--numeric-owner', '-rf', tar, '-C', stage, 'home/user', 'home/nobody']);
  await ok(['import', '--change', 'CMD ["sh"]', tar, 'owners:1']);
  const inside = await ok(['run', '--rm', 'owners:1', 'stat', '-c', '%n %u:%g', '/home/user', '/home/nobody']);
  assert.equal(inside, '/home/user 1000:1000\n/home/nobody 65534:65534\n');
  // On the host, the layer's files belong to the subordinate ids: start + id - 1 (uid 0 is the user).
  const layers = join(u.home, '.local/share/berth/overlay2');
  const found = execFileSync('find', [layers, '-path', '*/diff/home/user', '-printf', '%U:%G\n'], { encoding: 'utf8' }).trim();
  assert.equal(found, `${u.subuid.start + 999}:${u.subgid.start + 999}`);
});

test('a memory limit on this cgroup v1 host is not a crash: the run works or is refused with a clear message', { skip }, async () => {
  const r = await u.docker(['run', '--rm', '-m', '64m', 'busybox', 'true']);
  if (r.code !== 0) assert.match(r.stderr, /cgroup|limit|memory|rootless/i);
  assert.equal((await ok(['version', '--format', '{{.Server.Version}}'])).trim().length > 0, true, 'berthd still answers');
});

test('docker build (a RUN that replaces a directory: an opaque one in user.overlay.*), save, rmi, load', { skip }, async () => {
  const ctx = join(u.home, 'ctx');
  mkdirSync(ctx);
  chownSync(ctx, u.uid, u.gid);
  await u.writeFile('ctx/Dockerfile', 'FROM busybox\nRUN mkdir -p /d/sub && touch /d/sub/old && chown -R 1000:1000 /d\nRUN rm -rf /d/sub && mkdir /d/sub && echo new > /d/sub/y\nUSER 1000\n');
  await ok(['build', '-q', '-t', 'built:1', ctx]);
  assert.equal(await ok(['run', '--rm', 'built:1', 'sh', '-c', 'id -u; ls /d/sub']), '1000\ny\n');
  // The layer's opaque directory carries overlay's mark in the user namespace's own xattrs.
  const layers = join(u.home, '.local/share/berth/overlay2');
  const marks = execFileSync('getfattr', ['-R', '--absolute-names', '-d', '-m', '^user\\.overlay\\.opaque$', layers], { encoding: 'utf8' });
  assert.match(marks, /\/diff\/d\/sub\nuser\.overlay\.opaque="y"/);
  const saved = join(u.home, 'built.tar');
  await ok(['save', '-o', saved, 'built:1']);
  await ok(['rmi', 'built:1']);
  await ok(['load', '-i', saved]);
  assert.equal(await ok(['run', '--rm', 'built:1', 'ls', '/d/sub']), 'y\n');
});
