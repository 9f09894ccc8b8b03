// Attach streams over a --tlsverify listener with the real docker CLI: the CLI half-closes a
// hijacked connection as soon as it has no more input (a TLS close_notify), and the container's
// output must still reach it — it once came back empty.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { makeTestCerts } from '../testing/certs.ts';
import { freePort } from '../testing/free-port.ts';
import { requires } from '../testing/requires.ts';
import { run } from '../testing/run.ts';

const skip = requires('docker', 'openssl');
const certs = makeTestCerts();
const host = `tcp://127.0.0.1:${await freePort()}`;
after(() => rmSync(certs.dir, { recursive: true, force: true }));

useBusyboxDaemon({
  skip,
  harness: { args: ['-H', host, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey] },
});
const docker = (args: string[], input?: string) =>
  run('docker', ['-H', host, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.clientCert, '--tlskey', certs.clientKey, ...args],
    { env: { DOCKER_CONFIG: join(certs.dir, 'docker') }, timeoutMs: 60_000, ...(input !== undefined && { input }) });

test('docker run over TLS prints the output of both streams', { skip }, async () => {
  const r = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; sleep 0.3; echo err >&2; echo late']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'out\nlate\n');
  assert.equal(r.stderr, 'err\n');
});

test('docker run -i over TLS: the input ends, the output after it still arrives', { skip }, async () => {
  const r = await docker(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; sleep 0.3; echo done'], 'from stdin\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'from stdin\ndone\n');
});

test('docker exec over TLS prints its output', { skip }, async () => {
  assert.equal((await docker(['run', '-d', '--name', 'tls-exec', 'busybox', 'sleep', '30'])).code, 0);
  try {
    const r = await docker(['exec', 'tls-exec', 'sh', '-c', 'sleep 0.2; echo from exec']);
    assert.equal(r.stdout, 'from exec\n', r.stderr);
  } finally {
    await docker(['rm', '-f', 'tls-exec']);
  }
});
