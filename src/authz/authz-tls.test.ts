// Certificate identities: on a --tlsverify listener, a client certificate with CN=ci (OU=build)
// may run containers but not privileged ones nor with / bound; a certificate the CA signed for
// someone the policy does not name gets a 403 saying so; root's rule (a unix peer) does not
// reach TCP clients.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { makeTestCerts } from '../testing/certs.ts';
import { freePort } from '../testing/free-port.ts';
import { requires } from '../testing/requires.ts';
import { run } from '../testing/run.ts';
import { until } from '../testing/until.ts';
import type { AuditEntry } from './audit-entry.ts';

const skip = requires('docker', 'openssl');
const certs = makeTestCerts();
// A client certificate for "ci" with an organisation, a unit and alternative names.
const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: certs.dir, stdio: 'pipe' });
ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=ci/O=acme/OU=build', '-keyout', 'ci-key.pem', '-out', 'ci.csr']);
writeFileSync(join(certs.dir, 'ci.ext'), 'extendedKeyUsage=clientAuth\nsubjectAltName=DNS:ci.acme.test,email:ci@acme.test\n');
ssl(['x509', '-req', '-in', 'ci.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', 'ci.ext', '-out', 'ci.pem']);
const policy = join(certs.dir, 'policy.json');
writeFileSync(policy, JSON.stringify({
  rules: [
    { name: 'root', who: { users: ['root'] }, allow: ['all'] },
    { name: 'ci', who: { certificates: [{ cn: 'ci', ou: 'build', san: 'DNS:ci.acme.test' }] }, allow: ['containers', 'images', 'exec', 'networks'] },
  ],
}));
const port = await freePort();
const host = `tcp://127.0.0.1:${port}`;
after(() => rmSync(certs.dir, { recursive: true, force: true }));

const f = useBusyboxDaemon({
  skip,
  harness: { args: ['-H', host, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey, '--authz-policy', policy] },
});
const dockerAs = (cert: string, key: string, args: string[]) =>
  run('docker', ['-H', host, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', cert, '--tlskey', key, ...args], { env: { DOCKER_CONFIG: join(certs.dir, 'docker') }, timeoutMs: 60_000 });
const asCi = (args: string[]) => dockerAs(join(certs.dir, 'ci.pem'), join(certs.dir, 'ci-key.pem'), args);

test('CN=ci runs a container', { skip }, async () => {
  const r = await asCi(['run', '--rm', '--name', 'by-ci', 'busybox', 'echo', 'hello']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello\n');
});

test('CN=ci may not run privileged nor bind /', { skip }, async () => {
  const priv = await asCi(['run', '--rm', '--privileged', 'busybox', 'true']);
  assert.match(priv.stderr, /authorization denied by rule "ci" \(line 1 of .*\): privileged containers are not allowed/);
  const bind = await asCi(['run', '--rm', '-v', '/:/host', 'busybox', 'true']);
  assert.match(bind.stderr, /rule "ci" .*: bind mount of \/ is not allowed \(allowed under: nothing\)/);
});

test('CN=ci may not act on a container it could not have made; reading it is not acting', { skip }, async () => {
  // Root (the unix socket: rule "root", all) makes a privileged container and a plain one.
  for (const args of [['--privileged', '--name', 'rootpriv'], ['--name', 'plain']]) {
    const r = await f.docker(['run', '-d', ...args, 'busybox', 'sleep', '60']);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const args of [['start', 'rootpriv'], ['exec', 'rootpriv', 'true'], ['stop', 'rootpriv'], ['commit', 'rootpriv', 'copied'], ['rm', '-f', 'rootpriv'], ['network', 'connect', 'n1', 'rootpriv']]) {
    const r = await asCi(args);
    assert.match(r.stderr, /authorization denied by rule "ci" \(line 1 of .*\): container rootpriv is outside the rule's limits: privileged containers are not allowed/, args.join(' '));
  }
  assert.notEqual((await asCi(['cp', 'rootpriv:/etc/hostname', '-'])).code, 0, 'copied out of a privileged container');
  assert.equal((await asCi(['inspect', '--format', '{{.HostConfig.Privileged}}', 'rootpriv'])).stdout, 'true\n');
  const own = await asCi(['exec', 'plain', 'echo', 'in']);
  assert.equal(own.stdout, 'in\n', own.stderr);
  // A network's connect names the network and the container (no such network: the handler's 404).
  assert.match((await asCi(['network', 'connect', 'nosuch', 'plain'])).stderr, /No such network|not found/i);
  const file = join(f.d.dir, 'data', 'authz', 'audit.log');
  const lines = () => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEntry);
  await until('the connect lines', () => lines().filter((l) => l.route === 'POST /networks/:id/connect').length === 2);
  const connects = lines().filter((l) => l.route === 'POST /networks/:id/connect').map((l) => [l.object, l.container, l.decision, l.status, l.certificate?.cn]);
  assert.deepEqual(connects, [['n1', 'rootpriv', 'deny', 403, 'ci'], ['nosuch', 'plain', 'allow', 404, 'ci']]);
  // An exec's start names its container; a commit, the container it copies.
  const start = lines().find((l) => l.route === 'POST /exec/:id/start' && l.certificate?.cn === 'ci');
  assert.equal(start?.container, 'plain');
  assert.equal(lines().find((l) => l.route === 'POST /commit')?.container, 'rootpriv');
  // A create that named nothing is named by the id it made.
  const id = (await asCi(['create', 'busybox', 'true'])).stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  await until('the unnamed create\'s line', () => lines().some((l) => l.route === 'POST /containers/create' && l.object === id));
});

test('a prune by CN=ci removes its own stopped containers, not root\'s privileged one', { skip }, async () => {
  assert.equal((await f.docker(['create', '--privileged', '--name', 'root-stopped', 'busybox', 'true'])).code, 0);
  assert.equal((await asCi(['create', '--name', 'ci-stopped', 'busybox', 'true'])).code, 0);
  const r = await asCi(['container', 'prune', '-f']);
  assert.equal(r.code, 0, r.stderr);
  const names = (await f.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n');
  assert.ok(names.includes('root-stopped') && !names.includes('ci-stopped'), names.join(' '));
});

test('a certificate the policy does not name may do nothing, not even ping', { skip }, async () => {
  const r = await dockerAs(certs.clientCert, certs.clientKey, ['ps']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`no rule matches certificate CN=client on tcp://127\\.0\\.0\\.1:${port}`));
});
