// Containers as records through the API and the real docker CLI: create, inspect, ps, rename,
// remove, prune — and refusals with dockerd's texts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { run } from '../testing/run.ts';
import { requires } from '../testing/requires.ts';
import type { ApiClient } from '../client/api-client.ts';
import { importImage } from '../testing/api.ts';

let d: Berthd;
let api: ApiClient;
let dir: string;
const dockerSkip = requires('docker');
const docker = (args: string[]) => run('docker', args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: join(dir, 'config') } });

before(async () => {
  d = await startBerthd();
  api = d.client().api;
  dir = mkdtempSync(join(tmpdir(), 'berth-containers-'));
  writeFileSync(join(dir, 'rootfs.tar'), await buffer(busyboxRootfs()));
  await importImage(api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]', 'ENV FROM_IMAGE=1'] });
});
after(async () => {
  await d?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('create merges the image config and inspect shows it', async () => {
  const created = await api.json<{ Id: string; Warnings: string[] }>('POST', '/containers/create', { query: { name: 'web' }, body: { Image: 'busybox', Cmd: ['sleep', '100'], Env: ['A=1'], Labels: { team: 'blue' } } });
  assert.match(created.Id, /^[a-f0-9]{64}$/);
  const c = await api.json<Record<string, any>>('GET', '/containers/web/json');
  assert.equal(c.Id, created.Id);
  assert.equal(c.Name, '/web');
  assert.equal(c.Path, 'sleep');
  assert.deepEqual(c.Args, ['100']);
  assert.deepEqual(c.Config.Env, ['FROM_IMAGE=1', 'A=1']);
  assert.equal(c.State.Status, 'created');
  assert.equal(c.State.Running, false);
  const byPrefix = await api.json<{ Id: string }>('GET', `/containers/${created.Id.slice(0, 8)}/json`);
  assert.equal(byPrefix.Id, created.Id);
  const noCmd = await api.json<Record<string, any>>('POST', '/containers/create', { body: { Image: 'busybox' } });
  const shell = await api.json<Record<string, any>>('GET', `/containers/${noCmd.Id}/json`);
  assert.equal(shell.Path, 'sh', 'the image CMD is used');
  assert.match(shell.Name, /^\/[a-z]+_[a-z]+\d?$/, 'a generated name');
});

test('refusals: name in use, bad name, no image, wrong types', async () => {
  await assert.rejects(api.json('POST', '/containers/create', { query: { name: 'web' }, body: { Image: 'busybox' } }), /Conflict\. The container name "\/web" is already in use by container "[a-f0-9]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.$/);
  await assert.rejects(api.json('POST', '/containers/create', { query: { name: 'a b' }, body: { Image: 'busybox' } }), /Invalid container name \(a b\)/);
  await assert.rejects(api.json('POST', '/containers/create', { body: { Image: 'nope' } }), /No such image: nope/);
  await assert.rejects(api.json('POST', '/containers/create', { body: { Image: 'busybox', Tty: 'yes' } }), /invalid value for "Tty": expected a boolean/);
  await assert.rejects(api.json('POST', '/containers/create', { body: { Image: 'busybox', Env: [1] } }), /invalid value for "Env": expected a list of strings/);
  await assert.rejects(api.json('GET', '/containers/nope/json'), /No such container: nope/);
});

test('list, filters, rename, remove frees the writable layer', async () => {
  const { Id } = await api.json<{ Id: string }>('POST', '/containers/create', { query: { name: 'temp' }, body: { Image: 'busybox', Cmd: ['true'] } });
  const running = await api.json<unknown[]>('GET', '/containers/json');
  assert.equal(running.length, 0, 'created containers are not listed without all');
  const all = await api.json<{ Names: string[]; Status: string; State: string }[]>('GET', '/containers/json', { query: { all: true, filters: JSON.stringify({ name: ['^temp$'] }) } });
  assert.deepEqual(all.map((c) => [c.Names[0], c.State, c.Status]), [['/temp', 'created', 'Created']]);
  await api.request('POST', `/containers/${Id}/rename`, { query: { name: 'renamed' } });
  const inspect = await api.json<Record<string, any>>('GET', '/containers/renamed/json');
  const rw = join(d.dir, 'data', inspect.Driver === 'overlay2' ? 'overlay2' : 'vfs/dir');
  await api.request('DELETE', '/containers/renamed');
  await assert.rejects(api.json('GET', `/containers/${Id}/json`), /No such container/);
  assert.ok(existsSync(rw));
  await assert.rejects(api.json('DELETE', '/images/busybox'), /unable to remove repository reference "busybox" \(must force\) - container [a-f0-9]{12} is using its referenced image [a-f0-9]{12}/);
  const imageId = (await api.json<{ Id: string }>('GET', '/images/busybox/json')).Id;
  await assert.rejects(api.json('DELETE', `/images/${imageId}`), /\(must be forced\) - image is being used by stopped container [a-f0-9]{12}/);
});

test('the docker CLI creates, lists, renames and removes', { skip: dockerSkip }, async () => {
  const create = await docker(['create', '--name', 'cli1', '-e', 'X=y', 'busybox', 'echo', 'hi']);
  assert.equal(create.code, 0, create.stderr);
  assert.match(create.stdout.trim(), /^[a-f0-9]{64}$/);
  const ps = await docker(['ps', '-a', '--format', '{{.Names}} {{.Image}} {{.Command}} {{.Status}}', '--filter', 'name=cli1']);
  assert.equal(ps.stdout.trim(), 'cli1 busybox "echo hi" Created');
  // An argument with a space is quoted, as dockerd lists it.
  const quoted = await docker(['create', '--name', 'cli-sh', 'busybox', 'sh', '-c', 'echo x; exit 3']);
  assert.equal(quoted.code, 0, quoted.stderr);
  const listed = await docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}', '--filter', 'name=cli-sh']);
  assert.equal(listed.stdout, '"sh -c \'echo x; exit 3\'"\n');
  assert.equal((await docker(['rm', 'cli-sh'])).code, 0);
  assert.equal((await docker(['rename', 'cli1', 'cli2'])).code, 0);
  // PidsLimit: the CLI sends 0 for "no limit", which dockerd keeps as none (null).
  const inspect = await docker(['inspect', '--format', '{{.Name}} {{.State.Status}} {{index .Config.Env 1}} {{json .HostConfig.PidsLimit}}', 'cli2']);
  assert.equal(inspect.stdout.trim(), '/cli2 created X=y null');
  const rm = await docker(['rm', 'cli2']);
  assert.equal(rm.stdout.trim(), 'cli2');
  const prune = await docker(['container', 'prune', '-f']);
  assert.equal(prune.code, 0, prune.stderr);
  assert.equal((await docker(['ps', '-aq'])).stdout.trim(), '');
});

test('sizes: inspect and list with size, prune reports the space it freed', { skip: dockerSkip }, async () => {
  const run1 = await docker(['run', '--name', 'sized', 'busybox', 'sh', '-c', 'head -c 1000000 /dev/zero > /big']);
  assert.equal(run1.code, 0, run1.stderr);
  const c = await api.json<Record<string, number>>('GET', '/containers/sized/json', { query: { size: '1' } });
  assert.equal(c.SizeRw, 1_000_000);
  assert.ok(c.SizeRootFs! > c.SizeRw!, 'the image is counted in SizeRootFs');
  const plain = await api.json<Record<string, unknown>>('GET', '/containers/sized/json');
  assert.equal(plain.SizeRw, undefined);
  // A name filter is a regular expression on the name with or without its slash, as dockerd's.
  for (const name of ['^/sized$', '^sized$']) assert.equal((await docker(['ps', '-aq', '--filter', `name=${name}`])).stdout.split('\n').filter(Boolean).length, 1, name);
  const ps = await docker(['ps', '-a', '-s', '--filter', 'name=sized', '--format', '{{.Size}}']);
  assert.match(ps.stdout, /^1MB \(virtual [\d.]+MB\)/);
  const pruned = await api.json<{ ContainersDeleted: string[]; SpaceReclaimed: number }>('POST', '/containers/prune');
  assert.ok(pruned.ContainersDeleted.length >= 1);
  assert.ok(pruned.SpaceReclaimed >= 1_000_000);
});

test('concurrent creates: generated names never collide; one of two same-name creates is refused', async () => {
  const many = await Promise.all(Array.from({ length: 60 }, () => api.json<{ Id: string }>('POST', '/containers/create', { body: { Image: 'busybox', Cmd: ['true'] } })));
  const names = await Promise.all(many.map(async ({ Id }) => (await api.json<{ Name: string }>('GET', `/containers/${Id}/json`)).Name));
  assert.equal(new Set(names).size, 60);
  const same = await Promise.allSettled([0, 1].map(() => api.json('POST', '/containers/create', { query: { name: 'twin' }, body: { Image: 'busybox' } })));
  assert.deepEqual(same.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  assert.match(String((same.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason), /The container name "\/twin" is already in use/);
  for (const { Id } of many) await api.request('DELETE', `/containers/${Id}`).then((r) => r.resume());
  await api.request('DELETE', '/containers/twin').then((r) => r.resume());
});

test('prune filters: until keeps what is newer, label!= keeps the labelled', { skip: dockerSkip }, async () => {
  for (const [name, labels] of [['kept', ['-l', 'keep=yes']], ['dropped', []]] as const) assert.equal((await docker(['create', '--name', name, ...labels, 'busybox', 'true'])).code, 0);
  const none = await docker(['container', 'prune', '-f', '--filter', 'until=1h']);
  assert.equal(none.code, 0, none.stderr);
  assert.doesNotMatch(none.stdout, /[0-9a-f]{64}/, 'nothing created an hour ago');
  const some = await docker(['container', 'prune', '-f', '--filter', 'label!=keep']);
  assert.equal(some.code, 0, some.stderr);
  const left = (await docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n');
  assert.ok(left.includes('kept') && !left.includes('dropped'), left.join(','));
  const bad = await docker(['container', 'prune', '-f', '--filter', 'until=soon']);
  assert.notEqual(bad.code, 0);
  await docker(['rm', 'kept']);
});
