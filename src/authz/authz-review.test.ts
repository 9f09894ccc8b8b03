// An outside review's attacks on a rule that forbids --privileged and host namespaces: options
// that lift a confinement without saying "unconfined" (the docker CLI's systempaths=unconfined
// sends MaskedPaths: [], a custom seccomp profile may allow every syscall, writable-cgroups lets
// a container rewrite its own limits), a network namespace joined from a container root runs on
// the host's network, and a build's RUN containers on the host's network.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Berthd } from '../testing/berthd-harness.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker');
const dir = mkdtempSync(join(tmpdir(), 'berth-authz-review-'));
const allowed = join(dir, 'allowed');
mkdirSync(join(allowed, 'x'), { recursive: true });
mkdirSync(join(dir, 'outside'));
writeFileSync(join(dir, 'outside', 'outside-marker'), '');
const rules = (limited: boolean) => JSON.stringify({
  rules: [limited
    ? { name: 'ci', who: { users: ['root'] }, allow: ['containers', 'images', 'exec', 'build'], limits: { 'bind-paths': [allowed] } }
    : { name: 'root', who: { users: ['root'] }, allow: ['all'] }],
}, null, 2);

const policy = join(dir, 'policy.json');
writeFileSync(policy, rules(false));

// Before the fixture's clean-up (hooks run in order), whose removals the limited rule refuses
// for hostnet: a running container outlives berthd, and the daemon restarted on the same
// directory below leaves its mounts to the test. Root's rule again, then hostnet goes.
after(async () => {
  if (skip || !f.d) return;
  const reloads = () => f.d.log.split('Reloaded authorization policy').length;
  const before = reloads();
  writeFileSync(policy, rules(false));
  process.kill(f.d.pid!, 'SIGHUP');
  await until('the policy reloaded', () => reloads() > before);
  const r = await f.docker(['rm', '-f', 'hostnet']);
  assert.equal(r.code, 0, r.stderr);
});
const f = useBusyboxDaemon({
  skip,
  setup: async (fx) => {
    // Root's container on the host's network, made before the limited policy is in place.
    const hostnet = await fx.docker(['run', '-d', '--name', 'hostnet', '--network', 'host', 'busybox', 'sleep', '300']);
    assert.equal(hostnet.code, 0, hostnet.stderr);
    writeFileSync(policy, rules(true));
    process.kill(fx.d.pid!, 'SIGHUP');
    await until('the policy reloaded', () => fx.d.log.includes('Reloaded authorization policy'));
  },
  harness: { args: ['--authz-policy', policy] },
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function refused(args: string[], reason: RegExp, input?: string): Promise<void> {
  const r = await f.docker(args, input);
  assert.notEqual(r.code, 0, `${args.join(' ')} was allowed`);
  assert.match(r.stderr, /authorization denied by rule "ci"/, args.join(' '));
  assert.match(r.stderr, reason, args.join(' '));
}

test('a plain create is allowed (the rule is not refusing everything)', { skip }, async () => {
  const r = await f.docker(['create', '--security-opt', 'seccomp=builtin', '--security-opt', 'no-new-privileges', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
});

test('options that lift a confinement without the word "unconfined" need "privileged"', { skip }, async () => {
  await refused(['create', '--security-opt', 'systempaths=unconfined', 'busybox', 'true'], /masked or read-only paths .* need "privileged"/);
  const profile = join(f.dir, 'allow-all.json');
  writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' }));
  await refused(['create', '--security-opt', `seccomp=${profile}`, 'busybox', 'true'], /a custom seccomp profile needs "privileged"/);
  await refused(['create', '--security-opt', 'writable-cgroups=true', 'busybox', 'true'], /security option "writable-cgroups=true" needs "privileged"/);
});

test('joining the network namespace of a container the rule could not have made is refused', { skip }, async () => {
  await refused(['create', '--network', 'container:hostnet', 'busybox', 'true'], /container \S+ is outside the rule's limits: NetworkMode=host/);
});

test('a build may not run its steps on the host network without "host-namespaces"', { skip }, async () => {
  await refused(['build', '--network', 'host', '-q', '-'], /build step on the host network is not allowed/, 'FROM busybox\nRUN true\n');
  await refused(['build', '-q', '-'], /build step on the host network is not allowed/, 'FROM busybox\nRUN --network=host true\n');
  const plain = await f.docker(['build', '-q', '-'], 'FROM busybox\nRUN true\n');
  assert.equal(plain.code, 0, plain.stderr);
});

// The bind is judged when the container is made and when a request starts it, but a restart
// policy restarts it with no request: a directory under bind-paths swapped for a symlink in
// between (by the user, or by a container that binds bind-paths read-write) would be followed
// by the runtime. Each start mounts the real path approved at create, opened with no symlink
// on the way and handed to runc as /proc/<berthd>/fd/<n> (runtime/spec/pinned-binds.ts).
test('a restart policy does not follow a bind source swapped for a symlink out of bind-paths', { skip }, async () => {
  const x = join(allowed, 'x');
  const r = await f.docker(['run', '-d', '--name', 'swapped', '--restart', 'always', '-v', `${x}:/h`, 'busybox', 'sh', '-c', 'ls /h; sleep 300']);
  assert.equal(r.code, 0, r.stderr);
  try {
    rmSync(x, { recursive: true });
    symlinkSync(join(dir, 'outside'), x);
    const pid = Number((await f.docker(['inspect', '-f', '{{.State.Pid}}', 'swapped'])).stdout.trim());
    assert.ok(pid > 0);
    process.kill(pid, 'SIGKILL'); // the container's own process: the policy restarts it
    const state = async () => (await f.docker(['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.Error}}', 'swapped'])).stdout.trim();
    await until('the restart was refused', async () => /^exited 1 .*no longer the path the authorization policy approved/.test(await state()));
    assert.match(await state(), /not mounted: .*\/allowed\/x: a component of it is a symbolic link/);
    const logs = await f.docker(['logs', 'swapped']);
    assert.doesNotMatch(logs.stdout, /outside-marker/, 'the restarted container sees a directory outside bind-paths');
    assert.match(f.d.log, /restart by policy failed.*no longer the path the authorization policy approved/);
    // An explicit start is judged again (the symlink now leads out of bind-paths): refused.
    await refused(['start', 'swapped'], /bind mount of .*\/allowed\/x is not allowed/);
    assert.doesNotMatch((await f.docker(['logs', 'swapped'])).stdout, /outside-marker/);
  } finally {
    rmSync(x, { force: true });
    mkdirSync(x);
    await f.docker(['rm', '-f', 'swapped']);
  }
});

test('a container adopted by the next daemon (live-restore) is restarted from the approved path only', { skip }, async () => {
  const x = join(allowed, 'adopted');
  mkdirSync(x);
  const r = await f.docker(['run', '-d', '--name', 'adopted', '--restart', 'always', '-v', `${x}:/h`, 'busybox', 'sh', '-c', 'ls /h; sleep 300']);
  assert.equal(r.code, 0, r.stderr);
  try {
    await f.d.kill(); // the container lives on under conmon
    rmSync(x, { recursive: true });
    symlinkSync(join(dir, 'outside'), x);
    f.d = await new Berthd({ dir: f.d.dir, args: ['--authz-policy', policy] }).start();
    const pid = Number((await f.docker(['inspect', '-f', '{{.State.Pid}}', 'adopted'])).stdout.trim());
    assert.ok(pid > 0, 'adopted running');
    process.kill(pid, 'SIGKILL');
    const state = async () => (await f.docker(['inspect', '-f', '{{.State.Status}} {{.State.Error}}', 'adopted'])).stdout.trim();
    await until('the restart was refused', async () => /^exited .*no longer the path the authorization policy approved/.test(await state()));
    assert.doesNotMatch((await f.docker(['logs', 'adopted'])).stdout, /outside-marker/);
  } finally {
    rmSync(x, { force: true });
    await f.docker(['rm', '-f', 'adopted']);
  }
});

test('a symlink inside bind-paths to another directory inside is judged and mounted as before', { skip }, async () => {
  mkdirSync(join(allowed, 'y'), { recursive: true });
  writeFileSync(join(allowed, 'y', 'inside-marker'), '');
  symlinkSync(join(allowed, 'y'), join(allowed, 'link'));
  const r = await f.docker(['run', '--rm', '-v', `${join(allowed, 'link')}:/h`, 'busybox', 'ls', '/h']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inside-marker/);
  symlinkSync(join(dir, 'outside'), join(allowed, 'up'));
  await refused(['create', '-v', `${join(allowed, 'up')}:/h`, 'busybox', 'true'], /bind mount of .*\/allowed\/up is not allowed/);
});
