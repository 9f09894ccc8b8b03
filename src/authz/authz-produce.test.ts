// The ways around a rule's limits other than a create, closed, with the real docker CLI: an
// update that would lift a container past a ceiling, and names outside the image patterns made
// by commit, build -t and load; and a refused create leaves no volume it made on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker');
const dir = mkdtempSync(join(tmpdir(), 'berth-authz-produce-'));
const policy = join(dir, 'policy.json');
const archive = join(dir, 'elsewhere.tar');
const ciPolicy = (images: string[]) => JSON.stringify({
  rules: [{
    name: 'ci', who: { users: ['root'] }, allow: ['containers', 'images', 'build'],
    limits: { images, memory: '64m', cpus: 1, pids: 100 },
  }],
}, null, 2);
// At first elsewhere/* is allowed, to save an archive that names elsewhere/z:1; then the policy
// the tests are about is put in place by a reload.
writeFileSync(policy, ciPolicy(['busybox', 'elsewhere/*']));

const f = useBusyboxDaemon({
  skip,
  harness: { args: ['--authz-policy', policy] },
  setup: async (fx) => {
    for (const args of [['tag', 'busybox', 'elsewhere/z:1'], ['save', '-o', archive, 'elsewhere/z:1'], ['rmi', 'elsewhere/z:1']]) {
      const r = await fx.docker(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    writeFileSync(policy, ciPolicy(['busybox']));
    process.kill(fx.d.pid!, 'SIGHUP');
    await until('the policy reloaded', () => fx.d.log.includes('Reloaded authorization policy'));
  },
});
const ok = ['-m', '32m', '--cpus', '0.5', '--pids-limit', '50'];
const denied = /authorization denied by rule "ci" \(line 3 of .*policy\.json\): /;

test('an update may not lift a container past a ceiling; within them it may', { skip }, async () => {
  const r = await f.docker(['run', '-d', '--name', 'upd', ...ok, 'busybox', 'sleep', '60']);
  assert.equal(r.code, 0, r.stderr);
  const cases: [string[], RegExp][] = [
    [['-m', '1g'], /memory 1073741824 bytes is above the ceiling of 67108864 bytes/],
    [['--cpus', '2'], /cpus 2 is above the ceiling of 1/],
    [['--pids-limit', '-1'], /pids limit unlimited is above the ceiling of 100/],
    [['--pids-limit', '500'], /pids limit 500 is above the ceiling of 100/],
  ];
  for (const [args, reason] of cases) {
    const u = await f.docker(['update', ...args, 'upd']);
    assert.notEqual(u.code, 0, `update ${args.join(' ')} was allowed`);
    assert.match(u.stderr, denied, args.join(' '));
    assert.match(u.stderr, reason, args.join(' '));
  }
  const limits = () => f.docker(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}', 'upd']);
  assert.equal((await limits()).stdout, `${32 << 20} 500000000 50 no\n`, 'nothing a refused update asked for was applied');
  const within = await f.docker(['update', '-m', '48m', '--cpus', '1', '--restart', 'on-failure', 'upd']);
  assert.equal(within.code, 0, within.stderr);
  assert.equal((await limits()).stdout, `${48 << 20} 1000000000 50 on-failure\n`);
});

test('commit and build -t may only name images the patterns allow', { skip }, async () => {
  const c = await f.docker(['create', '--name', 'src', ...ok, 'busybox', 'true']);
  assert.equal(c.code, 0, c.stderr);
  const commit = await f.docker(['commit', 'src', 'elsewhere/x:1']);
  assert.match(commit.stderr, denied);
  assert.match(commit.stderr, /commit of (docker.io\/)?elsewhere\/x:1 is not allowed \(images: busybox\)/);
  assert.equal((await f.docker(['commit', 'src', 'busybox:committed'])).code, 0);
  const build = await f.docker(['build', '-t', 'busybox:built', '-t', 'elsewhere/y', '-'], 'FROM busybox\nRUN echo built\n');
  assert.match(build.stderr, /build -t of (docker.io\/)?elsewhere\/y is not allowed \(images: busybox\)/);
  const images = await f.docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.deepEqual(images.stdout.trim().split('\n').sort(), ['busybox:committed', 'busybox:latest'], 'a refused build made no image');
});

test('load may not bring in a name outside the patterns, and applies nothing then', { skip }, async () => {
  const r = await f.docker(['load', '-i', archive]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, /load of docker.io\/elsewhere\/z:1 is not allowed \(images: busybox\)/);
  assert.equal((await f.docker(['image', 'ls', '-q', 'elsewhere/z'])).stdout, '');
});

test('a refused create leaves no volume it made; one that was there stays', { skip }, async () => {
  assert.equal((await f.docker(['run', '--rm', ...ok, '-v', 'there:/t', 'busybox', 'true'])).code, 0);
  const refused = await f.docker(['create', ...ok, '--privileged', '-v', 'newvol:/n', '-v', 'there:/t', '-v', '/anon', 'busybox', 'true']);
  assert.match(refused.stderr, /privileged containers are not allowed/);
  const device = ['--mount', 'type=volume,src=rootvol,dst=/r,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/'];
  assert.match((await f.docker(['create', ...ok, ...device, 'busybox', 'true'])).stderr, /volume rootvol mounts \/ from the host/);
  assert.equal((await f.docker(['volume', 'ls', '-q'])).stdout, 'there\n');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
