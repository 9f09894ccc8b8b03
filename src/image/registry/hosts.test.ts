import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCKER_HUB, isInsecureRegistry, normalizeRegistryHost } from './hosts.ts';
import { isKind } from '../../api/types/errors.ts';

test('every spelling of Docker Hub normalizes to the hub', () => {
  for (const addr of ['', undefined, 'docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'http://docker.io', 'INDEX.DOCKER.IO/v1']) {
    assert.deepEqual(normalizeRegistryHost(addr), DOCKER_HUB, String(addr));
  }
  assert.equal(DOCKER_HUB.apiHost, 'registry-1.docker.io');
  assert.equal(DOCKER_HUB.authKey, 'https://index.docker.io/v1/');
});

test('other addresses lose scheme and path and keep the port', () => {
  assert.equal(normalizeRegistryHost('https://myreg.example.com:5000/v2/').name, 'myreg.example.com:5000');
  assert.equal(normalizeRegistryHost('http://127.0.0.1:5000').apiHost, '127.0.0.1:5000');
  assert.equal(normalizeRegistryHost('ghcr.io/some/path').authKey, 'ghcr.io');
  assert.equal(normalizeRegistryHost('[::1]:5000').name, '[::1]:5000');
  assert.equal(normalizeRegistryHost('localhost:5000').official, false);
});

test('nonsense addresses are refused as invalid parameters', () => {
  for (const bad of ['bad host', 'https://a b/', 'host:port', 'ex@mple.com']) {
    assert.throws(() => normalizeRegistryHost(bad), (err) => isKind(err, 'invalid-parameter'), bad);
  }
});

test('loopback and localhost are insecure by default; other hosts and the hub are not', () => {
  assert.equal(isInsecureRegistry('127.0.0.1:5000', []), true);
  assert.equal(isInsecureRegistry('127.3.4.5', []), true);
  assert.equal(isInsecureRegistry('[::1]:5000', []), true);
  assert.equal(isInsecureRegistry('localhost:5000', []), true);
  assert.equal(isInsecureRegistry('10.0.0.1:5000', []), false);
  assert.equal(isInsecureRegistry('myreg:5000', []), false);
  assert.equal(isInsecureRegistry('docker.io', ['docker.io', '0.0.0.0/0']), false);
});

test('host entries match exactly, as dockerd does', () => {
  assert.equal(isInsecureRegistry('myreg:5000', ['myreg:5000']), true);
  assert.equal(isInsecureRegistry('myreg:5000', ['http://myreg:5000/']), true);
  assert.equal(isInsecureRegistry('MyReg:5000', ['myreg:5000']), true);
  assert.equal(isInsecureRegistry('myreg', ['myreg']), true);
  assert.equal(isInsecureRegistry('myreg:5000', ['myreg']), false);
  assert.equal(isInsecureRegistry('myreg', ['myreg:5000']), false);
});

test('CIDR entries cover IPv4 and IPv6 literals', () => {
  const list = ['10.0.0.0/8', 'fd00::/8', 'not-a-cidr/99'];
  assert.equal(isInsecureRegistry('10.1.2.3:5000', list), true);
  assert.equal(isInsecureRegistry('11.1.2.3:5000', list), false);
  assert.equal(isInsecureRegistry('[fd12::1]:5000', list), true);
  assert.equal(isInsecureRegistry('fd12::1', list), true);
  assert.equal(isInsecureRegistry('[fe80::1]:5000', list), false);
  assert.equal(isInsecureRegistry('myreg:5000', list), false);
});
