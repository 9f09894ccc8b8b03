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
import { freePort } from '../testing/free-port.ts';

const certs = makeTestCerts();
after(() => rmSync(certs.dir, { recursive: true, force: true }));


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

/** What the server sends back for `bytes` until it closes the connection (bounded). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let out = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`no close within 10 s; got ${JSON.stringify(out)}`))), 10_000);
    s.on('data', (c: Buffer) => (out += c.toString('latin1')));
    s.on('error', (err) => (clearTimeout(timer), reject(err)));
    s.on('close', () => (clearTimeout(timer), resolve(out)));
  });
}

/** A berthd with a TLS listener (no client certificates asked for) on a free loopback port. */
async function withTlsDaemon(fn: (port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const d = await startBerthd({ args: ['-H', `tcp://127.0.0.1:${port}`, '--tls', '--tlscert', certs.serverCert, '--tlskey', certs.serverKey] });
  try {
    await fn(port);
  } finally {
    await d.cleanup();
  }
}

test('plain HTTP to the TLS port gets the 400 dockerd sends, then TLS still works', async () => {
  await withTlsDaemon(async (port) => {
    // Go's answer byte for byte (dockerd 20.10 measured: the same bytes for GET; it closes
    // silently for DELETE, where we answer too).
    const expected = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
    for (const req of ['GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n', 'DELETE /containers/x HTTP/1.1\r\nHost: x\r\n\r\n', 'x']) {
      assert.equal(await rawExchange(port, req), expected, JSON.stringify(req));
    }
    const c = createClient({ endpoint: { host: `tcp://127.0.0.1:${port}`, tls: { verify: true, ca: readFileSync(certs.ca) } } });
    assert.equal((await c.system.version()).ApiVersion, '1.56');
  });
});

test('the docker CLI without TLS at the TLS port shows the daemon\'s answer', { skip: requires('docker') }, async () => {
  await withTlsDaemon(async (port) => {
    const r = await run('docker', ['-H', `tcp://127.0.0.1:${port}`, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Client sent an HTTP request to an HTTPS server/);
  });
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
