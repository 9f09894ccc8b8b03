// berth diff, export, cp and commit (and their `berth container ...` forms) against a real
// berthd running busybox on runc.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH as BERTH_FILE, startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { importImage } from '../../testing/api.ts';
import { berth, run } from '../../testing/run.ts';

let d: Berthd;
let dir: string;
const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/client` });
const ok = async (args: string[], input?: string) => {
  const r = await berth(args, { env: env(), ...(input !== undefined && { input }) });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const sh = (cmd: string) => run('sh', ['-c', cmd], { env: env() });
const BERTH = `${process.execPath} ${BERTH_FILE}`;

before(async () => {
  d = await startBerthd();
  dir = mkdtempSync(join(tmpdir(), 'berth-cli-files-'));
  await importImage(d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: 'CMD ["sh"]' });
  await ok(['run', '--name', 'box', 'busybox', 'sh', '-c', 'echo hi > /tmp/new; rm /etc/group; ln -s / /tmp/escape; mkdir /srv; echo s > /srv/s']);
});
after(async () => {
  for (const c of (await d?.client().containers.list({ all: true })) ?? []) await d.client().containers.remove(c.Id, { force: true });
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('berth diff and berth container diff', async () => {
  const want = 'C /etc\nD /etc/group\nA /srv\nA /srv/s\nC /tmp\nA /tmp/escape\nA /tmp/new\n';
  assert.equal(await ok(['diff', 'box']), want);
  assert.equal(await ok(['container', 'diff', 'box']), want);
  const missing = await berth(['diff', 'nope'], { env: env() });
  assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: No such container: nope\n']);
  const usage = await berth(['diff'], { env: env() });
  assert.equal(usage.stderr, "berth: 'berth diff' requires 1 argument\n\nUsage:  berth diff CONTAINER\n\nRun 'berth diff --help' for more information\n");
});

test('berth cp from a container: files, directories, contents, links, -L and -', async () => {
  const out = join(dir, 'from');
  mkdirSync(out);
  await ok(['cp', 'box:/srv', out]);
  assert.equal(readFileSync(join(out, 'srv', 's'), 'utf8'), 's\n');
  await ok(['cp', 'box:/srv/.', join(out, 'contents')]);
  assert.equal(readFileSync(join(out, 'contents', 's'), 'utf8'), 's\n');
  await ok(['cp', 'box:/tmp/new', join(out, 'renamed')]);
  assert.equal(readFileSync(join(out, 'renamed'), 'utf8'), 'hi\n');
  await ok(['cp', 'box:/tmp/escape', join(out, 'link')]);
  assert.equal(readlinkSync(join(out, 'link')), '/');
  await ok(['cp', 'box:/tmp/escape/etc/passwd', join(out, 'passwd')]);
  assert.match(readFileSync(join(out, 'passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh\nnobody:/, "the container's passwd");
  await ok(['container', 'cp', '-L', 'box:/tmp/escape', join(out, 'root')]);
  assert.ok(existsSync(join(out, 'root', 'bin', 'busybox')), '-L copies what the link points to, named as the link');
  assert.equal((await sh(`${BERTH} cp box:/srv - | tar t`)).stdout, 'srv/\nsrv/s\n');
  const missing = await berth(['cp', 'box:/nope', out], { env: env() });
  assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: Could not find the file /nope in container box\n']);
  const noDir = await berth(['cp', 'box:/srv', join(dir, 'no', 'such')], { env: env() });
  assert.match(noDir.stderr, /invalid output path: directory ".*\/no" does not exist/);
});

test('berth cp into a container: files, directories, a tar on stdin, links in the destination, -a', async () => {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'sub', 'f'), 'f\n');
  symlinkSync('f', join(src, 'sub', 'l'));
  await d.client().containers.create({ Image: 'busybox', User: 'nobody' }, 'dest');
  await ok(['cp', src, 'dest:/tmp/']);
  await ok(['cp', join(src, 'sub', 'f'), 'dest:/etc/renamed']);
  await ok(['cp', '-a', join(src, 'sub', 'f'), 'dest:/root/owned']);
  await sh(`cd ${src} && tar cf - sub | ${BERTH} cp - dest:/home`);
  const diff = await ok(['diff', 'dest']);
  for (const line of ['A /tmp/src', 'A /tmp/src/sub/f', 'A /tmp/src/sub/l', 'A /etc/renamed', 'A /root/owned', 'A /home/sub/f']) assert.match(diff, new RegExp(`^${line}$`, 'm'));
  const back = join(dir, 'back');
  mkdirSync(back);
  await ok(['cp', 'dest:/tmp/src', back]);
  assert.equal(readlinkSync(join(back, 'src', 'sub', 'l')), 'f');
  const owned = await sh(`${BERTH} cp dest:/root/owned - | tar tvf -`);
  assert.match(owned.stdout, /65534\/65534/, '-a makes the container user the owner');
  // Through a link in the container that points at its /: the container's /root, not the host's.
  await ok(['run', '--name', 'linked', 'busybox', 'ln', '-s', '/', '/tmp/escape']);
  const name = `berth-cli-cp-${process.pid}`;
  writeFileSync(join(dir, name), 'x');
  await ok(['cp', join(dir, name), 'linked:/tmp/escape/root/']);
  assert.ok(!existsSync(`/root/${name}`));
  assert.match(await ok(['diff', 'linked']), new RegExp(`^A /root/${name}$`, 'm'));
  const both = await berth(['cp', 'a:/x', 'b:/y'], { env: env() });
  assert.match(both.stderr, /copying between containers is not supported/);
});

test('berth export, -o and to stdout', async () => {
  const names = (await sh(`${BERTH} export box | tar t`)).stdout.split('\n');
  for (const n of ['bin/busybox', 'srv/s', 'tmp/new', 'tmp/escape']) assert.ok(names.includes(n), n);
  await ok(['container', 'export', '-o', join(dir, 'box.tar'), 'box']);
  assert.equal(lstatSync(join(dir, 'box.tar')).mode & 0o777, 0o600);
  assert.deepEqual((await run('tar', ['tf', join(dir, 'box.tar')])).stdout.split('\n'), names);
  const bad = await berth(['export', '-o', join(dir, 'no', 'box.tar'), 'box'], { env: env() });
  assert.equal(bad.stderr, `failed to export container: invalid output path: stat ${join(dir, 'no')}: no such file or directory\n`);
});

test('berth commit: -c -m -a, a tag, and the image runs', async () => {
  const id = (await ok(['commit', '-c', 'CMD ["cat", "/srv/s"]', '-m', 'msg', '-a', 'me', 'box', 'mine:1'])).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await ok(['run', '--rm', 'mine:1']), 's\n');
  assert.equal(await ok(['run', '--rm', 'mine:1', 'ls', '/etc']), 'hostname\nhosts\nmtab\npasswd\nresolv.conf\n', 'group was deleted; the network files are mounts and mtab the init files\' link, as with dockerd');
  const img = (await d.client().images.inspect('mine:1')) as unknown as { Comment: string; Author: string };
  assert.deepEqual([img.Comment, img.Author], ['msg', 'me']);
  const second = (await ok(['container', 'commit', '--pause=false', 'box'])).trim();
  assert.match(second, /^sha256:/);
});
