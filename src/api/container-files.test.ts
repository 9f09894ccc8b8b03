// A container's filesystem through the real docker CLI: docker diff, docker cp both ways (links
// that point outside the rootfs stay inside it), docker export, docker commit and running the
// committed image — on stopped and running containers, with a bind mount, and the events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { run } from '../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { Berthd } from '../testing/berthd-harness.ts';
import { until, within } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({
  skip,
  // One container with a bit of everything, stopped.
  setup: async () => {
    await ok(['run', '--name', 'changed', 'busybox', 'sh', '-c',
      'echo hi > /tmp/new; rm /etc/group; mkdir -p /root/a; echo x > /root/a/f; chmod 700 /home; ln -s / /tmp/escape; ln -s ../../../../../etc /tmp/up; echo secret > /etc/secret']);
  },
});
const docker = (args: string[], input?: string) => f.docker(args, input);
const ok = async (args: string[], input?: string) => {
  const r = await docker(args, input);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const sh = (cmd: string) => run('sh', ['-c', cmd], { timeoutMs: 60_000 });
const BUSYBOX_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';

test('docker diff: modified, added and deleted as dockerd reports them', { skip }, async () => {
  assert.equal(await ok(['diff', 'changed']), [
    'C /etc', 'D /etc/group', 'A /etc/secret', 'C /home', 'C /root', 'A /root/a', 'A /root/a/f', 'C /tmp', 'A /tmp/escape', 'A /tmp/new', 'A /tmp/up', '',
  ].join('\n'));
  // Replacing a directory makes it opaque: what the image had there is deleted. (Not /etc: its
  // hosts, hostname and resolv.conf are mounts, which rm cannot remove, as with dockerd.)
  await ok(['commit', 'changed', 'with-dir']);
  await ok(['run', '--name', 'opaque', 'with-dir', 'sh', '-c', 'rm -rf /root/a && mkdir /root/a && echo > /root/a/g']);
  assert.equal(await ok(['diff', 'opaque']), 'C /root\nC /root/a\nD /root/a/f\nA /root/a/g\n');
  await ok(['create', '--name', 'untouched', 'busybox']);
  assert.equal(await ok(['diff', 'untouched']), '');
  const missing = await docker(['diff', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container: nope/);
});

test('docker cp out of a container: links resolve inside its rootfs, never on the host', { skip }, async () => {
  const out = join(f.dir, 'out');
  mkdirSync(out);
  await ok(['cp', 'changed:/tmp/escape/etc/passwd', join(out, 'passwd')]);
  assert.equal(readFileSync(join(out, 'passwd'), 'utf8'), BUSYBOX_PASSWD, "the container's /etc/passwd, not the host's");
  await ok(['cp', 'changed:/tmp/up/secret', join(out, 'secret')]);
  assert.equal(readFileSync(join(out, 'secret'), 'utf8'), 'secret\n');
  await ok(['cp', 'changed:/tmp/escape', join(out, 'link')]);
  assert.equal(readlinkSync(join(out, 'link')), '/', 'a link is copied as a link');
  await ok(['cp', '-L', 'changed:/tmp/up', join(out, 'followed')]);
  assert.deepEqual(readFileSync(join(out, 'followed', 'secret'), 'utf8'), 'secret\n');
  await ok(['cp', 'changed:/root', out]);
  assert.equal(readFileSync(join(out, 'root', 'a', 'f'), 'utf8'), 'x\n');
  await ok(['cp', 'changed:/etc/.', join(out, 'etc-contents')]);
  assert.ok(existsSync(join(out, 'etc-contents', 'secret')));
  assert.equal((await sh(`docker -H ${f.d.host} cp changed:/etc/passwd - | tar t`)).stdout, 'passwd\n');
  const missing = await docker(['cp', 'changed:/nope', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Could not find the file \/nope in container changed/);
});

test('docker cp into a container: links in the destination resolve inside its rootfs', { skip }, async () => {
  const name = `berth-cp-${process.pid}`;
  writeFileSync(join(f.dir, name), 'payload\n');
  await ok(['create', '--name', 'target', 'busybox']);
  await ok(['run', '--name', 'links', 'busybox', 'sh', '-c', 'ln -s / /tmp/escape; ln -s ../../../../../etc /tmp/up']);
  await ok(['cp', join(f.dir, name), 'links:/tmp/escape/root/']);
  await ok(['cp', join(f.dir, name), 'links:/tmp/up']);
  assert.ok(!existsSync(`/root/${name}`) && !existsSync(`/etc/${name}`), 'nothing was written on the host');
  const diff = await ok(['diff', 'links']);
  assert.match(diff, new RegExp(`^A /root/${name}$`, 'm'));
  assert.match(diff, new RegExp(`^A /etc/${name}$`, 'm'));
  // A tar on stdin, into a directory.
  await sh(`cd ${f.dir} && tar cf - ${name} | docker -H ${f.d.host} cp - target:/tmp`);
  assert.equal((await sh(`docker -H ${f.d.host} cp target:/tmp/${name} - | tar xO`)).stdout, 'payload\n');
  // Errors as dockerd gives them.
  const notDir = await docker(['cp', '-', 'target:/etc/passwd'], '');
  assert.match(notDir.stderr, /destination "target:\/etc\/passwd" must be a directory/);
  await ok(['create', '--name', 'ro', '--read-only', 'busybox']);
  const ro = await docker(['cp', join(f.dir, name), 'ro:/tmp/']);
  assert.equal(ro.code, 1);
  assert.match(ro.stderr, /container rootfs is marked read-only/);
});

test('docker cp with a running container and a bind mount', { skip }, async () => {
  const bind = join(f.dir, 'bind');
  mkdirSync(bind);
  writeFileSync(join(f.dir, 'go'), 'go\n');
  writeFileSync(join(f.dir, 'f1'), 'bound\n');
  await ok(['run', '-d', '--name', 'live', '-v', `${bind}:/data`, 'busybox', 'sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; cat /tmp/go /data/f1']);
  await ok(['cp', join(f.dir, 'f1'), 'live:/data/']);
  assert.equal(readFileSync(join(bind, 'f1'), 'utf8'), 'bound\n', 'a copy into a bind mount lands in its source');
  await ok(['cp', join(f.dir, 'go'), 'live:/tmp/']);
  assert.equal((await ok(['wait', 'live'])).trim(), '0');
  assert.equal(await ok(['logs', 'live']), 'go\nbound\n', 'the running container saw both files');
  assert.equal((await sh(`docker -H ${f.d.host} cp live:/data/f1 - | tar xO`)).stdout, 'bound\n');
});

test('docker export: the whole filesystem, stopped or running; events', { skip }, async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const names = (await sh(`docker -H ${f.d.host} export changed | tar t`)).stdout.split('\n');
  // .dockerenv and etc/mtab: what dockerd's init layer gives a container whose image lacks them.
  for (const n of ['bin/busybox', 'etc/passwd', 'etc/secret', 'tmp/new', 'root/a/f', '.dockerenv', 'etc/mtab']) assert.ok(names.includes(n), n);
  assert.ok(!names.includes('etc/group') && !names.includes('./'));
  await ok(['export', '-o', join(f.dir, 'changed.tar'), 'changed']);
  assert.ok(lstatSync(join(f.dir, 'changed.tar')).size > 1_000_000);
  await ok(['run', '-d', '--name', 'runner', 'busybox', 'sh', '-c', 'echo up > /tmp/up-file; exec sleep 100']);
  let running = '';
  await until('the export of the running container has tmp/up-file', async () => /^tmp\/up-file$/m.test(running = (await sh(`docker -H ${f.d.host} export runner | tar t`)).stdout));
  const events = await ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=export', '--format', '{{.Actor.Attributes.name}}']);
  assert.match(events, /^changed$/m);
  await ok(['rm', '-f', 'runner']);
  // Containers created moments ago have their rootfs mounted for the start prepared for them
  // (prepared-starts.ts), as long as their runc container waits; no other stays mounted.
  const prepared = new Set<string>();
  for (const id of (await ok(['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean)) {
    if (existsSync(join(f.d.dir, 'exec', 'runc', id))) prepared.add((await ok(['inspect', '-f', '{{.GraphDriver.Data.MergedDir}}', id])).trim());
  }
  const left = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(f.d.dir) && !prepared.has(l.split(' ')[1]!));
  assert.deepEqual(left, [], 'stopped containers are unmounted again after cp and export');
});

test('docker commit: the changes as a new image that runs', { skip }, async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const id = (await ok(['commit', '-c', 'CMD ["cat", "/tmp/new"]', '-c', 'ENV GREETING=hello', '-m', 'a message', '-a', 'Someone', 'changed', 'committed:v1'])).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await ok(['run', '--rm', 'committed:v1']), 'hi\n');
  assert.equal(await ok(['run', '--rm', 'committed:v1', 'sh', '-c', 'ls /etc; echo $GREETING; cat /root/a/f']), 'hostname\nhosts\nmtab\npasswd\nresolv.conf\nsecret\nhello\nx\n', 'the deletion of /etc/group carried over (the network files are mounted, as dockerd\'s)');
  // The committed layer has the container's changes, not what every container is given.
  const saved = join(f.dir, 'committed');
  mkdirSync(saved);
  assert.equal((await sh(`docker -H ${f.d.host} save committed:v1 | tar -x -C ${saved}`)).code, 0);
  const top = (JSON.parse(readFileSync(join(saved, 'manifest.json'), 'utf8')) as { Layers: string[] }[])[0]!.Layers.at(-1)!;
  const layer = (await sh(`tar -tf ${join(saved, top)}`)).stdout.split('\n').map((n) => n.replace(/^\.\//, ''));
  assert.ok(layer.includes('etc/secret') && !layer.includes('.dockerenv') && !layer.includes('etc/mtab'), layer.join(' '));
  assert.equal(await ok(['run', '--rm', 'committed:v1', 'sh', '-c', 'test -f /.dockerenv && readlink /etc/mtab']), '/proc/mounts\n');
  const busybox = (await ok(['inspect', '-f', '{{.Id}} {{len .RootFS.Layers}}', 'busybox'])).trim().split(' ');
  assert.equal((await ok(['inspect', '-f', '{{.Comment}}|{{.Author}}|{{.Parent}}|{{len .RootFS.Layers}}', 'committed:v1'])).trim(), `a message|Someone|${busybox[0]}|${Number(busybox[1]) + 1}`);
  assert.equal((await ok(['history', '-q', 'committed:v1'])).split('\n').filter(Boolean).length, 2);
  // A container of the two-layer image diffs against both layers (a read-only overlay of them).
  await ok(['run', '--name', 'second', 'committed:v1', 'sh', '-c', 'rm /tmp/new; echo > /etc/group']);
  assert.equal(await ok(['diff', 'second']), 'C /etc\nA /etc/group\nC /tmp\nD /tmp/new\n');
  // Nothing changed: no new layer, an empty_layer history entry.
  await ok(['commit', 'untouched', 'committed:empty']);
  assert.equal((await ok(['inspect', '-f', '{{len .RootFS.Layers}}', 'committed:empty'])).trim(), busybox[1]);
  const events = await ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=commit', '--format', '{{.Actor.Attributes.imageRef}}']);
  assert.equal(events, 'committed:v1\ncommitted:empty\n');
  // A running container is paused for the commit, and unpaused after it is announced.
  await ok(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '100']);
  const t0 = Math.floor(Date.now() / 1000) - 1;
  await ok(['commit', 'sleeper']);
  await ok(['commit', '--pause=false', 'sleeper']);
  const actions = await ok(['events', '--since', String(t0), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=sleeper', '--filter', 'event=pause', '--filter', 'event=commit', '--filter', 'event=unpause', '--format', '{{.Action}}']);
  assert.equal(actions, 'pause\ncommit\nunpause\ncommit\n');
  assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'sleeper'])).trim(), 'running');
  await ok(['rm', '-f', 'sleeper']);
  const missing = await docker(['commit', 'nope']);
  assert.match(missing.stderr, /No such container: nope/);
});

test('a running container is frozen while its files are copied; a pause meanwhile takes the freeze over', { skip }, async () => {
  await ok(['run', '-d', '--name', 'copied', 'busybox', 'sleep', '1000']);
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'copied'])).trim();
  const freezer = () => readFileSync(`/sys/fs/cgroup/freezer/berth/${id}/freezer.state`, 'utf8').trim();
  const status = async () => (await ok(['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'copied'])).trim();
  // A copy out of the 2 MB busybox binary, read only later: the daemon waits on the socket.
  const copy = async (whileOpen: () => Promise<void>): Promise<number> => {
    const res = await within('the archive GET to answer', new Promise<IncomingMessage>((resolve, reject) =>
      get({ socketPath: f.d.socket, path: `/containers/${id}/archive?path=/bin/busybox` }, resolve).on('error', reject)));
    assert.equal(res.statusCode, 200);
    res.pause();
    await whileOpen();
    let bytes = 0;
    res.on('data', (b: Buffer) => (bytes += b.length));
    res.resume();
    await within('the copy stream to end', new Promise((r) => res.on('end', r)));
    return bytes;
  };
  // Thawed once the daemon has seen the stream end, a moment after the client has.
  const thawed = async () => {
    await until('the container is thawed after the copy', () => freezer() === 'THAWED');
    return freezer();
  };
  let exec: Promise<string> | undefined;
  const whole = await copy(async () => {
    assert.equal(freezer(), 'FROZEN');
    assert.equal(await status(), 'running false', 'a copy does not show as a pause');
    exec = ok(['exec', 'copied', 'echo', 'after the copy']); // waits for the thaw
    await new Promise((r) => setTimeout(r, 300));
  });
  assert.equal(await exec, 'after the copy\n');
  assert.equal(await thawed(), 'THAWED');
  await copy(async () => {
    await ok(['pause', 'copied']);
  });
  await new Promise((r) => setTimeout(r, 300)); // the copy's end has been seen
  assert.equal(freezer(), 'FROZEN', 'the user\'s pause outlives the copy');
  assert.equal(await status(), 'paused true');
  await ok(['unpause', 'copied']);
  assert.equal(await thawed(), 'THAWED');
  // Stopped during a copy: the KILL lands (it thaws the container), the copy still ends, whole
  // (the exit leaves the unmount to the copy), and then the rootfs is unmounted.
  const merged = (await ok(['inspect', '-f', '{{.GraphDriver.Data.MergedDir}}', 'copied'])).trim();
  const stopped = await copy(async () => {
    await ok(['stop', '-t', '0', 'copied']);
  });
  assert.equal(stopped, whole);
  assert.equal(await status(), 'exited false');
  const mounted = () => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === merged);
  await until('the rootfs is unmounted once the copy ended', () => !mounted());
  await ok(['rm', 'copied']);
});

test('a daemon killed in the middle of a copy: the next one thaws the container', { skip }, async () => {
  await ok(['run', '-d', '--name', 'orphaned', 'busybox', 'sleep', '1000']);
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'orphaned'])).trim();
  const freezer = () => readFileSync(`/sys/fs/cgroup/freezer/berth/${id}/freezer.state`, 'utf8').trim();
  const res = await within('the archive GET to answer', new Promise<IncomingMessage>((resolve, reject) =>
    get({ socketPath: f.d.socket, path: `/containers/${id}/archive?path=/bin/busybox` }, resolve).on('error', reject)));
  res.pause();
  assert.equal(freezer(), 'FROZEN');
  res.on('error', () => undefined);
  await f.d.kill();
  res.destroy();
  f.d = await new Berthd({ dir: f.d.dir }).start();
  assert.equal(freezer(), 'THAWED');
  assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'orphaned'])).trim(), 'running');
  assert.equal(await ok(['exec', 'orphaned', 'echo', 'alive']), 'alive\n');
  await ok(['rm', '-f', 'orphaned']);
});
