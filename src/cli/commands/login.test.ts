// berth login / logout and docker login, through a real berthd, against a real registry with
// htpasswd auth on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { htpasswdLine, startRegistry, type RunningRegistry } from '../../testing/registry.ts';
import { berth, run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';

const skip = requires('registry', 'perl');
let d: Berthd;
let registry: RunningRegistry;
let configDir: string;

before(async () => {
  if (skip) return;
  d = await startBerthd();
  registry = await startRegistry({ htpasswd: await htpasswdLine('alice', 's3cret') });
  configDir = mkdtempSync(join(tmpdir(), 'berth-login-'));
});
after(async () => {
  if (skip) return;
  await d?.cleanup();
  await registry?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: configDir });

test('berth login stores credentials as docker does; logout removes them', { skip }, async () => {
  const r = await berth(['login', registry.host, '-u', 'alice', '--password-stdin'], { env: env(), input: 's3cret\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Login Succeeded$/m);
  assert.match(r.stderr, /Your credentials are stored unencrypted/);
  const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
  assert.equal(config.auths[registry.host].auth, Buffer.from('alice:s3cret').toString('base64'));

  const out = await berth(['logout', registry.host], { env: env() });
  assert.equal(out.stdout.trim(), `Removing login credentials for ${registry.host}`);
  assert.equal(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).auths[registry.host], undefined);
  const again = await berth(['logout', registry.host], { env: env() });
  assert.equal(again.stdout.trim(), `Not logged in to ${registry.host}`);
});

test('a wrong password is refused with the registry status', { skip }, async () => {
  const r = await berth(['login', registry.host, '-u', 'alice', '--password-stdin'], { env: env(), input: 'wrong\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error response from daemon: login attempt to https?:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized$/m);
});

test('a non-TTY login without a password says why', { skip }, async () => {
  const r = await berth(['login', registry.host], { env: env() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot perform an interactive login from a non TTY device/);
});

test('the real docker login works against berthd', { skip: requires('registry', 'perl', 'docker') }, async () => {
  const r = await run('docker', ['login', registry.host, '-u', 'alice', '--password-stdin'], { env: env(), input: 's3cret\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Login Succeeded/);
  const bad = await run('docker', ['login', registry.host, '-u', 'alice', '--password-stdin'], { env: env(), input: 'nope\n' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /401 Unauthorized/);
});
