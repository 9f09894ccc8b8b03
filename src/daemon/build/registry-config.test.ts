import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registriesAuth, registryConfigAuth } from './registry-config.ts';

const header = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const decoded = (s: string | undefined) => s && JSON.parse(Buffer.from(s, 'base64url').toString());

test('each image\'s registry gets its own entry; Docker Hub under its v1 address', () => {
  const authFor = registryConfigAuth(header({
    'https://index.docker.io/v1/': { username: 'hub', password: 'p1' },
    '127.0.0.1:5000': { username: 'local', password: 'p2' },
  }));
  assert.deepEqual(decoded(authFor('busybox')), { username: 'hub', password: 'p1' });
  assert.deepEqual(decoded(authFor('docker.io/library/busybox:1')), { username: 'hub', password: 'p1' });
  assert.deepEqual(decoded(authFor('127.0.0.1:5000/app:v1')), { username: 'local', password: 'p2' });
  assert.equal(authFor('127.0.0.1:5001/app'), undefined);
});

test('no header or a malformed one: no credentials', () => {
  assert.equal(registryConfigAuth(undefined)('busybox'), undefined);
  assert.equal(registryConfigAuth('%%%')('busybox'), undefined);
  assert.equal(registryConfigAuth(header([1]))('busybox'), undefined);
  assert.equal(registryConfigAuth(header({ 'bad address!': { username: 'x' } }))('busybox'), undefined);
});

test('the decoded map (BuildRequest.authConfigs) works alike', () => {
  const authFor = registriesAuth({ 'docker.io': { username: 'hub' }, 'localhost:5000': { username: 'l' } });
  assert.deepEqual(decoded(authFor('alpine')), { username: 'hub' });
  assert.deepEqual(decoded(authFor('localhost:5000/x')), { username: 'l' });
});
