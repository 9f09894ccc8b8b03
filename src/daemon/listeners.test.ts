// TCP listeners: TLS with client certificates is enforced, and plain TCP off loopback is
// refused unless --tls=false is given explicitly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { Berthd, startBerthd } from '../testing/berthd-harness.ts';
import { makeTestCerts } from '../testing/certs.ts';
import { createClient } from '../client/index.ts';
import { run } from '../testing/run.ts';
import { requires } from '../testing/requires.ts';

const certs = makeTestCerts();
after(() => rmSync(certs.dir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test('--tlsverify requires a client certificate signed by the CA', { skip: requires('docker') }, async () => {
  const port = await freePort();
  const d = await startBerthd({
    args: ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey],
  });
  try {
    const host = `tcp://127.0.0.1:${port}`;
    const ca = readFileSync(certs.ca);
    const good = createClient({ endpoint: { host, tls: { verify: true, ca, cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) } } });
    assert.equal((await good.system.version()).ApiVersion, '1.56');

    const noCert = createClient({ endpoint: { host, tls: { verify: true, ca } } });
    await assert.rejects(noCert.system.version(), /client authentication|certificate|socket hang up|ECONNRESET/i);

    const stranger = createClient({ endpoint: { host, tls: { verify: true, ca, cert: readFileSync(certs.strangerCert), key: readFileSync(certs.strangerKey) } } });
    await assert.rejects(stranger.system.version());

    const r = await run('docker', ['-H', host, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.clientCert, '--tlskey', certs.clientKey, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(r.stdout.trim(), '1.56', r.stderr);
    const bad = await run('docker', ['-H', host, '--tlsverify', '--tlscacert', certs.ca, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(bad.code, 0);
  } finally {
    await d.cleanup();
  }
});

test('plain TCP on a non-loopback address is refused without --tls=false', async () => {
  const d = new Berthd({ args: ['-H', 'tcp://0.0.0.0:0'] });
  try {
    const r = await run(process.execPath, d.argv());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing to listen on tcp:\/\/0\.0\.0\.0:0 without TLS/);
  } finally {
    await d.cleanup();
  }
});

test('with --tls=false plain TCP is served', async () => {
  const port = await freePort();
  // Loopback only: tests never listen on or talk to other addresses.
  const d = await startBerthd({ args: ['-H', `tcp://127.0.0.1:${port}`, '--tls=false'] });
  try {
    const c = createClient({ endpoint: { host: `tcp://127.0.0.1:${port}` } });
    assert.equal((await c.system.version()).ApiVersion, '1.56');
  } finally {
    await d.cleanup();
  }
});
