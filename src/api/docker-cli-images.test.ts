// The real docker CLI's image commands against berthd, with a real registry on 127.0.0.1:
// import, tag, images, login, push, rmi, pull, history, inspect, prune.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { htpasswdLine, startRegistry, type RunningRegistry } from '../testing/registry.ts';
import { run } from '../testing/run.ts';
import { requires } from '../testing/requires.ts';

const skip = requires('docker', 'registry', 'perl', 'busybox');
let d: Berthd;
let registry: RunningRegistry;
let dir: string;

const docker = (args: string[], input?: string) =>
  run('docker', args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: join(dir, 'config') }, ...(input !== undefined && { input }), timeoutMs: 120_000 });

before(async () => {
  if (skip) return;
  d = await startBerthd();
  registry = await startRegistry({ htpasswd: await htpasswdLine('bob', 'pw') });
  dir = mkdtempSync(join(tmpdir(), 'berth-docker-images-'));
  writeFileSync(join(dir, 'rootfs.tar'), await buffer(busyboxRootfs()));
});
after(async () => {
  if (skip) return;
  await registry?.stop();
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('import, tag, images, history, inspect', { skip }, async () => {
  const imp = await docker(['import', '-c', 'CMD ["sh"]', join(dir, 'rootfs.tar'), 'busybox:latest']);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
  assert.equal((await docker(['tag', 'busybox', `${registry.host}/team/app:v1`])).code, 0);
  const images = await docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.deepEqual(images.stdout.trim().split('\n').sort(), [`${registry.host}/team/app:v1`, 'busybox:latest']);
  const table = await docker(['images']);
  assert.match(table.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  assert.match(table.stdout, /\nbusybox\s+latest\s+[a-f0-9]{12}\s+(Less than a second|\d+ seconds?) ago\s+[\d.]+MB\n/);
  const history = await docker(['history', 'busybox']);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\n[a-f0-9]{12}\s/);
  const inspect = await docker(['image', 'inspect', '--format', '{{json .Config.Cmd}} {{.Os}}', 'busybox']);
  assert.equal(inspect.stdout.trim(), '["sh"] linux');
});

test('login, push, rmi, pull through berthd', { skip }, async () => {
  const login = await docker(['login', registry.host, '-u', 'bob', '--password-stdin'], 'pw\n');
  assert.equal(login.code, 0, login.stderr);
  const push = await docker(['push', `${registry.host}/team/app:v1`]);
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, /^The push refers to repository \[127\.0\.0\.1:\d+\/team\/app\]/);
  assert.match(push.stdout, /: Pushed$/m);
  assert.match(push.stdout, /^v1: digest: sha256:[a-f0-9]{64} size: \d+$/m);
  const rmi = await docker(['rmi', `${registry.host}/team/app:v1`]);
  assert.equal(rmi.code, 0, rmi.stderr);
  assert.match(rmi.stdout, /^Untagged: 127\.0\.0\.1:\d+\/team\/app:v1$/m);
  await docker(['rmi', 'busybox']);
  const pull = await docker(['pull', `${registry.host}/team/app:v1`]);
  assert.equal(pull.code, 0, pull.stderr);
  assert.match(pull.stdout, /^v1: Pulling from team\/app$/m);
  assert.match(pull.stdout, /^Digest: sha256:[a-f0-9]{64}$/m);
  assert.match(pull.stdout, /^Status: Downloaded newer image for 127\.0\.0\.1:\d+\/team\/app:v1$/m);
  const again = await docker(['pull', `${registry.host}/team/app:v1`]);
  assert.match(again.stdout, /Status: Image is up to date for/);
  const images = await docker(['images', '--digests', '--format', '{{.Repository}} {{.Digest}}']);
  assert.match(images.stdout, /127\.0\.0\.1:\d+\/team\/app sha256:[a-f0-9]{64}/);
  // The last tag going takes the digest reference and the image with it, as with dockerd.
  const gone = await docker(['rmi', `${registry.host}/team/app:v1`]);
  assert.match(gone.stdout, /^Untagged: 127\.0\.0\.1:\d+\/team\/app@sha256:[a-f0-9]{64}$/m);
  assert.match(gone.stdout, /^Deleted: sha256:[a-f0-9]{64}$/m);
  assert.equal((await docker(['images', '-q'])).stdout.trim(), '');
});

test('pull of a missing tag and a bad reference fail as docker says', { skip }, async () => {
  const missing = await docker(['pull', `${registry.host}/team/app:nope`]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /manifest for 127\.0\.0\.1:\d+\/team\/app:nope not found/);
  const bad = await docker(['pull', 'UPPER/case']);
  assert.notEqual(bad.code, 0);
});

test('image prune removes dangling images', { skip }, async () => {
  await docker(['import', join(dir, 'rootfs.tar')]);
  const prune = await docker(['image', 'prune', '-f']);
  assert.equal(prune.code, 0, prune.stderr);
  assert.match(prune.stdout, /Deleted Images:/);
  assert.match(prune.stdout, /Total reclaimed space: /);
});
