// A container's filesystem through the real docker CLI: docker diff, docker cp both ways (links
// that point outside the rootfs stay inside it), docker export, docker commit and running the
// committed image — on stopped and running containers, with a bind mount, and the events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { run, hasCommand } from '../testing/run.ts';

const skip = hasCommand('docker') ? false : 'the docker CLI is not installed';
let d: Berthd;
let dir: string;
const docker = (args: string[], input?: string) =>
  run('docker', args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: join(dir, 'config') }, ...(input !== undefined && { input }), timeoutMs: 60_000 });
const ok = async (args: string[], input?: string) => {
  const r = await docker(args, input);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const sh = (cmd: string) => run('sh', ['-c', cmd], { timeoutMs: 60_000 });
const BUSYBOX_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';

before(async () => {
  if (skip) return;
  d = await startBerthd();
  dir = mkdtempSync(join(tmpdir(), 'berth-files-'));
  writeFileSync(join(dir, 'rootfs.tar'), await buffer(busyboxRootfs()));
  await ok(['import', '-c', 'CMD ["sh"]', join(dir, 'rootfs.tar'), 'busybox']);
  // One container with a bit of everything, stopped.
  await ok(['run', '--name', 'changed', 'busybox', 'sh', '-c',
    'echo hi > /tmp/new; rm /etc/group; mkdir -p /root/a; echo x > /root/a/f; chmod 700 /home; ln -s / /tmp/escape; ln -s ../../../../../etc /tmp/up; echo secret > /etc/secret']);
});
after(async () => {
  if (skip) return;
  const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', ...ids]);
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
  assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(d.dir), 'no mount is left under the test data root');
});

test('docker diff: modified, added and deleted as dockerd reports them', { skip }, async () => {
  assert.equal(await ok(['diff', 'changed']), [
    'C /etc', 'D /etc/group', 'A /etc/secret', 'C /home', 'C /root', 'A /root/a', 'A /root/a/f', 'C /tmp', 'A /tmp/escape', 'A /tmp/new', 'A /tmp/up', '',
  ].join('\n'));
  // Replacing a directory makes it opaque: what the image had there is deleted.
  await ok(['run', '--name', 'opaque', 'busybox', 'sh', '-c', 'rm -rf /etc && mkdir /etc && echo > /etc/hosts']);
  assert.equal(await ok(['diff', 'opaque']), 'C /etc\nD /etc/group\nA /etc/hosts\nD /etc/passwd\n');
  await ok(['create', '--name', 'untouched', 'busybox']);
  assert.equal(await ok(['diff', 'untouched']), '');
  const missing = await docker(['diff', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container: nope/);
});

test('docker cp out of a container: links resolve inside its rootfs, never on the host', { skip }, async () => {
  const out = join(dir, 'out');
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
  assert.equal((await sh(`docker -H ${d.host} cp changed:/etc/passwd - | tar t`)).stdout, 'passwd\n');
  const missing = await docker(['cp', 'changed:/nope', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Could not find the file \/nope in container changed/);
});

test('docker cp into a container: links in the destination resolve inside its rootfs', { skip }, async () => {
  const name = `berth-cp-${process.pid}`;
  writeFileSync(join(dir, name), 'payload\n');
  await ok(['create', '--name', 'target', 'busybox']);
  await ok(['run', '--name', 'links', 'busybox', 'sh', '-c', 'ln -s / /tmp/escape; ln -s ../../../../../etc /tmp/up']);
  await ok(['cp', join(dir, name), 'links:/tmp/escape/root/']);
  await ok(['cp', join(dir, name), 'links:/tmp/up']);
  assert.ok(!existsSync(`/root/${name}`) && !existsSync(`/etc/${name}`), 'nothing was written on the host');
  const diff = await ok(['diff', 'links']);
  assert.match(diff, new RegExp(`^A /root/${name}$`, 'm'));
  assert.match(diff, new RegExp(`^A /etc/${name}$`, 'm'));
  // A tar on stdin, into a directory.
  await sh(`cd ${dir} && tar cf - ${name} | docker -H ${d.host} cp - target:/tmp`);
  assert.equal((await sh(`docker -H ${d.host} cp target:/tmp/${name} - | tar xO`)).stdout, 'payload\n');
  // Errors as dockerd gives them.
  const notDir = await docker(['cp', '-', 'target:/etc/passwd'], '');
  assert.match(notDir.stderr, /destination "target:\/etc\/passwd" must be a directory/);
  await ok(['create', '--name', 'ro', '--read-only', 'busybox']);
  const ro = await docker(['cp', join(dir, name), 'ro:/tmp/']);
  assert.equal(ro.code, 1);
  assert.match(ro.stderr, /container rootfs is marked read-only/);
});

test('docker cp with a running container and a bind mount', { skip }, async () => {
  const bind = join(dir, 'bind');
  mkdirSync(bind);
  writeFileSync(join(dir, 'go'), 'go\n');
  writeFileSync(join(dir, 'f1'), 'bound\n');
  await ok(['run', '-d', '--name', 'live', '-v', `${bind}:/data`, 'busybox', 'sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; cat /tmp/go /data/f1']);
  await ok(['cp', join(dir, 'f1'), 'live:/data/']);
  assert.equal(readFileSync(join(bind, 'f1'), 'utf8'), 'bound\n', 'a copy into a bind mount lands in its source');
  await ok(['cp', join(dir, 'go'), 'live:/tmp/']);
  assert.equal((await ok(['wait', 'live'])).trim(), '0');
  assert.equal(await ok(['logs', 'live']), 'go\nbound\n', 'the running container saw both files');
  assert.equal((await sh(`docker -H ${d.host} cp live:/data/f1 - | tar xO`)).stdout, 'bound\n');
});

test('docker export: the whole filesystem, stopped or running; events', { skip }, async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const names = (await sh(`docker -H ${d.host} export changed | tar t`)).stdout.split('\n');
  for (const n of ['bin/busybox', 'etc/passwd', 'etc/secret', 'tmp/new', 'root/a/f']) assert.ok(names.includes(n), n);
  assert.ok(!names.includes('etc/group') && !names.includes('./'));
  await ok(['export', '-o', join(dir, 'changed.tar'), 'changed']);
  assert.ok(lstatSync(join(dir, 'changed.tar')).size > 1_000_000);
  await ok(['run', '-d', '--name', 'runner', 'busybox', 'sh', '-c', 'echo up > /tmp/up-file; exec sleep 100']);
  let running = '';
  for (let i = 0; i < 50 && !running.includes('tmp/up-file'); i++) running = (await sh(`docker -H ${d.host} export runner | tar t`)).stdout;
  assert.match(running, /^tmp\/up-file$/m);
  const events = await ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=export', '--format', '{{.Actor.Attributes.name}}']);
  assert.match(events, /^changed$/m);
  await ok(['rm', '-f', 'runner']);
  const left = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(d.dir));
  assert.deepEqual(left, [], 'stopped containers are unmounted again after cp and export');
});

test('docker commit: the changes as a new image that runs', { skip }, async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const id = (await ok(['commit', '-c', 'CMD ["cat", "/tmp/new"]', '-c', 'ENV GREETING=hello', '-m', 'a message', '-a', 'Someone', 'changed', 'committed:v1'])).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await ok(['run', '--rm', 'committed:v1']), 'hi\n');
  assert.equal(await ok(['run', '--rm', 'committed:v1', 'sh', '-c', 'ls /etc; echo $GREETING; cat /root/a/f']), 'passwd\nsecret\nhello\nx\n', 'the deletion of /etc/group carried over');
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
