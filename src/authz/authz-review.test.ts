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
after(() => rmSync(dir, { recursive: true, force: true }));

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
// between (by the user, or by a container that binds bind-paths read-write) is followed by the
// runtime, and the container gets the host's directory. Open (review14): the fix needs the
// source opened without following symlinks at each start and mounted from that descriptor.
test('a restart policy does not follow a bind source swapped for a symlink out of bind-paths', { skip, todo: 'open: TOCTOU on bind sources (see the comment)' }, async () => {
  const x = join(allowed, 'x');
  const r = await f.docker(['run', '-d', '--name', 'swapped', '--restart', 'always', '-v', `${x}:/h`, 'busybox', 'sh', '-c', 'ls /h; sleep 1; exit 1']);
  assert.equal(r.code, 0, r.stderr);
  try {
    rmSync(x, { recursive: true });
    symlinkSync(join(dir, 'outside'), x);
    await until('the container restarted', async () => Number((await f.docker(['inspect', '-f', '{{.RestartCount}}', 'swapped'])).stdout.trim()) >= 2);
    const logs = await f.docker(['logs', 'swapped']);
    assert.doesNotMatch(logs.stdout, /outside-marker/, 'the restarted container sees a directory outside bind-paths');
  } finally {
    rmSync(x, { force: true });
    mkdirSync(x);
    await f.docker(['rm', '-f', 'swapped']);
  }
});
