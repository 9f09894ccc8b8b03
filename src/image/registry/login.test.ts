// login against a real distribution registry: htpasswd over plain http (reached by falling
// back from https), TLS from a test CA (trusted through certsDir, or skipped when insecure).
import assert from 'node:assert/strict';
import { mkdir, copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKind } from '../../api/types/errors.ts';
import { requires } from '../../testing/requires.ts';
import { login } from './login.ts';
import { RegistryClient } from './client.ts';
import { freePort } from '../../testing/free-port.ts';
import {
  htpasswdLine, loopbackLookup, makeCerts, makeTempDir, startRegistry,
  type RunningRegistry, type TestCerts,
} from '../../testing/registry.ts';

const skip = requires('registry', 'openssl', 'perl');
const USER = 'berth';
const PASS = 's3cret:with colon';

describe('login over plain http with htpasswd', { skip }, () => {
  let reg: RunningRegistry;
  before(async () => (reg = await startRegistry({ htpasswd: await htpasswdLine(USER, PASS) })));
  after(() => reg?.stop());

  test('right credentials log in, falling back from https to http on loopback', async () => {
    assert.deepEqual(await login({ username: USER, password: PASS, serveraddress: reg.host }), {
      Status: 'Login Succeeded',
      IdentityToken: '',
    });
    const client = new RegistryClient(reg.host, { auth: { username: USER, password: PASS } });
    assert.equal((await client.ping()).status, 200);
    assert.equal(client.baseUrl, `http://${reg.host}`);
  });

  test('the auth field and a scheme/path in serveraddress work too', async () => {
    const auth = Buffer.from(`${USER}:${PASS}`).toString('base64');
    const res = await login({ auth, serveraddress: `http://${reg.host}/v2/` });
    assert.equal(res.Status, 'Login Succeeded');
  });

  test('a wrong password is unauthorized, in dockerd words', async () => {
    await assert.rejects(login({ username: USER, password: 'wrong', serveraddress: reg.host }), (err: Error) => {
      assert.ok(isKind(err, 'unauthorized'));
      assert.equal(err.message, `login attempt to http://${reg.host}/v2/ failed with status: 401 Unauthorized`);
      return true;
    });
  });

  test('no credentials at all is unauthorized', async () => {
    await assert.rejects(login({ serveraddress: reg.host }), (err: Error) =>
      isKind(err, 'unauthorized') && err.message === `Get "http://${reg.host}/v2/": no basic auth credentials`);
  });
});

describe('login to an open registry', { skip }, () => {
  let reg: RunningRegistry;
  before(async () => (reg = await startRegistry()));
  after(() => reg?.stop());

  test('succeeds without asking for credentials', async () => {
    assert.deepEqual(await login({ username: 'anyone', password: 'x', serveraddress: reg.host }), {
      Status: 'Login Succeeded',
      IdentityToken: '',
    });
  });

  test('a secure registry is never tried over http', async () => {
    // registry.test is not loopback by name, so it is secure: https only, and this server speaks http.
    const serveraddress = `registry.test:${reg.port}`;
    await assert.rejects(login({ serveraddress }, { lookup: loopbackLookup }), (err: Error) =>
      isKind(err, 'system') && err.message.startsWith(`Get "https://${serveraddress}/v2/": `));
  });
});

test('an unreachable registry is a clean system error naming the address', async () => {
  const port = await freePort();
  await assert.rejects(login({ username: 'u', password: 'p', serveraddress: `127.0.0.1:${port}` }), (err: Error) => {
    assert.ok(isKind(err, 'system'), String(err));
    assert.match(err.message, new RegExp(`^Get "http://127\\.0\\.0\\.1:${port}/v2/": .*ECONNREFUSED`));
    return true;
  });
});

describe('login over TLS from a test CA', { skip }, () => {
  let dir: string;
  let certs: TestCerts;
  let reg: RunningRegistry;
  let name: string;
  before(async () => {
    dir = await makeTempDir();
    certs = await makeCerts(dir);
    reg = await startRegistry({ htpasswd: await htpasswdLine(USER, PASS), tls: certs });
    name = `registry.test:${reg.port}`;
  });
  after(async () => {
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const auth = (serveraddress: string) => ({ username: USER, password: PASS, serveraddress });

  test('loopback is insecure by default: https without verification', async () => {
    const client = new RegistryClient(reg.host, { auth: { username: USER, password: PASS } });
    assert.equal((await client.ping()).status, 200);
    assert.equal(client.baseUrl, `https://${reg.host}`);
    assert.equal((await login(auth(reg.host))).Status, 'Login Succeeded');
  });

  test('a secure registry with an unknown CA fails verification', async () => {
    await assert.rejects(login(auth(name), { lookup: loopbackLookup }), (err: Error) =>
      isKind(err, 'system') && err.message.startsWith(`Get "https://${name}/v2/": `) && /certificate/i.test(err.message));
  });

  test('certsDir/<host:port>/ca.crt makes the CA trusted', async () => {
    const certsDir = path.join(dir, 'certs.d');
    await mkdir(path.join(certsDir, name), { recursive: true });
    await copyFile(certs.caFile, path.join(certsDir, name, 'ca.crt'));
    assert.equal((await login(auth(name), { lookup: loopbackLookup, certsDir })).Status, 'Login Succeeded');
    await assert.rejects(login({ ...auth(name), password: 'nope' }, { lookup: loopbackLookup, certsDir }), (err: Error) =>
      isKind(err, 'unauthorized') && err.message === `login attempt to https://${name}/v2/ failed with status: 401 Unauthorized`);
  });

  test('listing the registry as insecure skips verification', async () => {
    const res = await login(auth(name), { lookup: loopbackLookup, insecureRegistries: [name] });
    assert.equal(res.Status, 'Login Succeeded');
  });
});
