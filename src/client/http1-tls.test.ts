// http1.ts over a --tlsverify berthd: the request is written before the handshake is done (the
// TLS socket holds it), the ping and a JSON call share one TLS connection, and `berth version`
// with the TLS flags prints the server's part.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import tls from 'node:tls';
import { Http1Client } from './http1.ts';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { makeTestCerts, type TestCerts } from '../testing/certs.ts';
import { freePort } from '../testing/free-port.ts';
import { requires } from '../testing/requires.ts';
import { berth } from '../testing/run.ts';

const skip = requires('openssl');
let certs: TestCerts;
let d: Berthd;
let port: number;

before(async () => {
  if (skip) return;
  certs = makeTestCerts();
  port = await freePort();
  d = await startBerthd({ args: ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey] });
});
after(async () => {
  await d?.cleanup();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

test('the ping and a JSON call share one TLS connection', { skip }, async () => {
  let dials = 0;
  const client = new Http1Client(() => {
    dials++;
    return tls.connect({ host: '127.0.0.1', port, ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });
  });
  assert.equal((await client.request({ method: 'HEAD', path: '/_ping', headers: {} })).statusCode, 200);
  const version = await client.request({ method: 'GET', path: '/version', headers: {} });
  assert.equal(JSON.parse(version.body.toString()).Platform.Name.startsWith('berth'), true);
  assert.equal(dials, 1);
});

test('berth version over --tlsverify', { skip }, async () => {
  const r = await berth(['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.clientCert, '--tlskey', certs.clientKey, 'version', '--format', '{{.Server.Platform.Name}}'], { env: { DOCKER_CONFIG: `${certs.dir}/docker` } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^berth Engine/);
});
