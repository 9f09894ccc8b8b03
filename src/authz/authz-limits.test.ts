// A rule's limits, decided on the container berthd would run, with the real docker CLI and with
// raw requests shaped the ways CVE-2024-41110's were (chunked body, old API path, a body the
// headers say is empty). The client is root on a unix socket; the policy's one rule ("ci")
// gives it containers and images with limits, so everything else it may not do is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';
import { run } from '../testing/run.ts';
import type { AuditEntry } from './audit-entry.ts';

const skip = requires('docker');
const dir = mkdtempSync(join(tmpdir(), 'berth-authz-'));
const allowed = join(dir, 'allowed');
mkdirSync(join(allowed, 'data'), { recursive: true });
symlinkSync('/', join(allowed, 'escape'));
const policy = join(dir, 'policy.json');
const ciPolicy = (images: string[]) => JSON.stringify({
  rules: [{
    name: 'ci', who: { users: ['root'] }, allow: ['containers', 'images', 'exec', 'build'],
    limits: { 'bind-paths': [allowed], capabilities: ['NET_ADMIN'], images, labels: { team: '*' }, memory: '64m' },
  }],
}, null, 2);
// At first the policy also allows elsewhere/tool, to give busybox that second name; then the
// policy that the tests are about is put in place by a reload.
writeFileSync(policy, ciPolicy(['busybox', 'elsewhere/tool']));

const f = useBusyboxDaemon({
  skip,
  harness: { args: ['--authz-policy', policy] },
  setup: async (fx) => {
    const tagged = await fx.docker(['tag', 'busybox', 'elsewhere/tool:1']);
    assert.equal(tagged.code, 0, tagged.stderr);
    writeFileSync(policy, ciPolicy(['busybox']));
    process.kill(fx.d.pid!, 'SIGHUP');
    await until('the policy reloaded', () => fx.d.log.includes('Reloaded authorization policy'));
  },
});
const ok = ['--label', 'team=a', '-m', '32m'];

test('a create within the limits is allowed', { skip }, async () => {
  const r = await f.docker(['create', ...ok, '-v', `${allowed}/data:/data`, '--cap-add', 'NET_ADMIN', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
});

test('each limit refuses what it does not allow, naming the rule and the reason', { skip }, async () => {
  const cases: [string[], RegExp][] = [
    [[...ok, '--privileged'], /privileged containers are not allowed/],
    [[...ok, '-v', '/:/host'], /bind mount of \/ is not allowed/],
    [[...ok, '-v', `${allowed}/escape/etc:/etc-host`], /bind mount of .*escape\/etc is not allowed/],
    [[...ok, '--mount', `type=bind,src=${dir},dst=/d`], /bind mount of .* is not allowed/],
    [[...ok, '--cap-add', 'SYS_ADMIN'], /adding capabilities SYS_ADMIN is not allowed/],
    [[...ok, '--pid', 'host'], /PidMode=host is not allowed/],
    [[...ok, '--ipc', 'host'], /IpcMode=host is not allowed/],
    [[...ok, '--device', '/dev/null'], /device \/dev\/null is not allowed/],
    [[...ok, '--security-opt', 'seccomp=unconfined'], /security option "seccomp=unconfined" needs "privileged"/],
    [['--label', 'team=a'], /memory unlimited is above the ceiling of 67108864 bytes/],
    [['--label', 'team=a', '-m', '1g'], /memory 1073741824 bytes is above the ceiling/],
    [['-m', '32m'], /containers must carry the label team=\*/],
    [[...ok, '--mount', 'type=volume,src=rootvol,dst=/r,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/'], /volume rootvol mounts \/ from the host/],
  ];
  for (const [args, reason] of cases) {
    const r = await f.docker(['create', ...args, 'busybox', 'true']);
    assert.notEqual(r.code, 0, `create ${args.join(' ')} was allowed`);
    assert.match(r.stderr, /authorization denied by rule "ci" \(line 3 of .*policy\.json\): /, args.join(' '));
    assert.match(r.stderr, reason, args.join(' '));
  }
  // Each refusal is in the audit log with the reason; the allowed create before them too.
  const file = join(f.d.dir, 'data', 'authz', 'audit.log');
  const creates = () => (existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n') : [])
    .map((l) => JSON.parse(l) as AuditEntry).filter((e) => e.route === 'POST /containers/create');
  // Each line is written once its response is over, off the request path: wait for all of them.
  await until('the refusals in the audit log', () => creates().filter((e) => e.decision === 'deny').length >= cases.length);
  assert.ok(creates().some((e) => e.decision === 'allow' && e.status === 201));
  const refused = creates().filter((e) => e.decision === 'deny');
  assert.ok(refused.length >= cases.length && refused.every((e) => e.status === 403 && e.rule === 'ci' && e.reason));
  assert.ok(refused.some((e) => e.reason === 'privileged containers are not allowed'));
});

test('an image is judged by the repository it resolves to', { skip }, async () => {
  const r = await f.docker(['create', ...ok, 'elsewhere/tool:1', 'true']);
  assert.match(r.stderr, /image docker.io\/elsewhere\/tool:1 is not from an allowed registry or repository \(busybox\)/);
  // Naming an image outside the patterns is refused too: else a tag would launder any image.
  assert.match((await f.docker(['tag', 'busybox', 'elsewhere/other'])).stderr, /rule "ci" .*: tag of (docker.io\/)?elsewhere\/other is not allowed \(images: busybox\)/);
  assert.match((await f.docker(['pull', 'quay.io/x/y'])).stderr, /pull of quay.io\/x\/y.* is not allowed/);
  // By id, the image's names count: busybox is one of them.
  const id = (await f.docker(['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim();
  const byId = await f.docker(['create', ...ok, id, 'true']);
  assert.equal(byId.code, 0, byId.stderr);
});

test('a removal takes away only names the patterns allow; a prune, which would take any, is refused', { skip }, async () => {
  // busybox also carries elsewhere/tool:1 (set-up): untagging that name, or removing the image
  // by its id (all of its names), would reach a repository outside the patterns.
  assert.match((await f.docker(['rmi', 'elsewhere/tool:1'])).stderr, /rule "ci" .*: removal of (docker.io\/)?elsewhere\/tool:1 is not allowed \(images: busybox\)/);
  const id = (await f.docker(['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim();
  assert.match((await f.docker(['rmi', '-f', id])).stderr, /removal of (docker.io\/)?elsewhere\/tool:1 is not allowed/);
  assert.match((await f.docker(['image', 'prune', '-f'])).stderr, /rule "ci" .*: image prune acts on images of any name, and this rule limits them \(images: busybox\)/);
  const names = (await f.docker(['image', 'inspect', '--format', '{{join .RepoTags " "}}', 'busybox'])).stdout;
  assert.match(names, /elsewhere\/tool:1/);
  // A name within the patterns comes off as without a policy.
  assert.equal((await f.docker(['tag', 'busybox', 'busybox:spare'])).code, 0);
  const spare = await f.docker(['rmi', 'busybox:spare']);
  assert.equal(spare.code, 0, spare.stderr);
  assert.match(spare.stdout, /Untagged: busybox:spare/);
  assert.match((await f.docker(['rmi', 'nosuch:image'])).stderr, /No such image: nosuch:image/);
});

test('a build uses and pulls only base images the patterns allow', { skip }, async () => {
  const build = (dockerfile: string, tag: string) =>
    run('docker', ['build', '-q', '-t', tag, '-'], { env: { ...f.env(), DOCKER_BUILDKIT: '0' }, input: dockerfile, timeoutMs: 60_000 });
  const allowedBase = await build('FROM busybox\nLABEL built=yes\n', 'busybox:built');
  assert.equal(allowedBase.code, 0, allowedBase.stderr);
  // A local image by a name outside the patterns (the same image, another tag: not allowed).
  const local = await build('FROM elsewhere/tool:1\n', 'busybox:nope');
  assert.match(local.stderr, /authorization denied by rule "ci" .*: build FROM of docker.io\/elsewhere\/tool:1 is not allowed \(images: busybox\)/);
  // A registry the policy forbids is never asked: refused before the pull (no network here).
  const pulled = await build('FROM busybox AS a\nFROM quay.io/x/y:1\nCOPY --from=a /bin/true /t\n', 'busybox:nope');
  assert.match(pulled.stderr, /build FROM pull of quay.io\/x\/y:1 is not allowed/);
  const copyFrom = await build('FROM busybox\nCOPY --from=elsewhere/tool:1 /bin/true /t\n', 'busybox:nope');
  assert.match(copyFrom.stderr, /build FROM of docker.io\/elsewhere\/tool:1 is not allowed/);
  assert.equal((await f.docker(['image', 'inspect', 'busybox:nope'])).code, 1, 'no refused build was tagged');
});

test('classes the rule does not give are refused before the handler runs', { skip }, async () => {
  const r = await f.docker(['network', 'create', 'nope']);
  assert.match(r.stderr, /rule "ci" .*it allows read-only, containers, images, exec, build, and POST \/networks\/create is networks/);
  const v = await f.docker(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/', 'rootfs']);
  assert.match(v.stderr, /POST \/volumes\/create is volumes/);
});

test('an exec may not be privileged', { skip }, async () => {
  const r = await f.docker(['run', '-d', '--name', 'sleeper', ...ok, 'busybox', 'sleep', '60']);
  assert.equal(r.code, 0, r.stderr);
  const plain = await f.docker(['exec', 'sleeper', 'echo', 'in']);
  assert.equal(plain.stdout, 'in\n', plain.stderr);
  const priv = await f.docker(['exec', '--privileged', 'sleeper', 'true']);
  assert.match(priv.stderr, /authorization denied by rule "ci" .*: privileged exec is not allowed/);
});

const PRIVILEGED = JSON.stringify({ Image: 'busybox', Labels: { team: 'a' }, HostConfig: { Privileged: true, Memory: 32 << 20 } });

test('the CVE-2024-41110 shapes of a request are decided on the parsed body', { skip }, async () => {
  const chunked = await raw(
    'POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      `${PRIVILEGED.length.toString(16)}\r\n${PRIVILEGED}\r\n0\r\n\r\n`,
  );
  assert.match(chunked, /^HTTP\/1.1 403 .*privileged containers are not allowed/s);
  const old = await raw(`POST /v1.24/containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${PRIVILEGED.length}\r\nConnection: close\r\n\r\n${PRIVILEGED}`);
  assert.match(old, /^HTTP\/1.1 403 .*privileged containers are not allowed/s);
  // The headers say the body is empty: the handler reads none, and the bytes after are a second,
  // malformed request — nothing is created from them.
  const empty = await raw(`POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n${PRIVILEGED}`);
  assert.match(empty, /^HTTP\/1.1 400 /);
  assert.doesNotMatch(empty, /HTTP\/1.1 201/);
  const all = await f.d.client().containers.list({ all: true });
  for (const c of all) {
    const hc = ((await f.d.client().containers.inspect(c.Id)) as unknown as { HostConfig: { Privileged: boolean } }).HostConfig;
    assert.equal(hc.Privileged, false, `container ${c.Id} is privileged`);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

/** One raw exchange on the daemon's socket, read until the daemon closes it (or 5 s pass). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(f.d.socket);
    let got = '';
    s.setTimeout(5000, () => s.destroy());
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.end(request);
  });
}
