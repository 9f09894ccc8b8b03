import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHost } from './hosts.ts';

test('unix addresses keep their path; an empty one is the default socket', () => {
  assert.equal(parseHost('unix:///var/run/b.sock', false), 'unix:///var/run/b.sock');
  assert.equal(parseHost('unix://', false), 'unix:///run/berth/berth.sock');
  assert.equal(parseHost('', false), 'unix:///run/berth/berth.sock');
});

test('tcp addresses get 2375 without TLS and 2376 with it', () => {
  assert.equal(parseHost('tcp://10.0.0.1', false), 'tcp://10.0.0.1:2375');
  assert.equal(parseHost('tcp://10.0.0.1', true), 'tcp://10.0.0.1:2376');
  assert.equal(parseHost('tcp://10.0.0.1:4243', true), 'tcp://10.0.0.1:4243');
  assert.equal(parseHost('tcp://example.com:0', false), 'tcp://example.com:0');
  assert.equal(parseHost('TCP://[::1]', false), 'tcp://[::1]:2375');
  assert.equal(parseHost('tcp://[fe80::1]:2377', false), 'tcp://[fe80::1]:2377');
});

test('an empty tcp host means loopback; a bare HOST:PORT is tcp, as in dockerd', () => {
  assert.equal(parseHost('tcp://:2375', false), 'tcp://127.0.0.1:2375');
  assert.equal(parseHost('tcp://', true), 'tcp://127.0.0.1:2376');
  assert.equal(parseHost('0.0.0.0:2375', false), 'tcp://0.0.0.0:2375');
});

test('normalising twice gives the same address', () => {
  for (const a of ['tcp://10.0.0.1', 'tcp://[::1]', 'unix://']) {
    const once = parseHost(a, true);
    assert.equal(parseHost(once, true), once);
  }
});

test('unknown schemes and malformed tcp addresses are refused', () => {
  assert.throws(() => parseHost('ftp://x', false), { message: 'invalid bind address format: ftp://x' });
  assert.equal(parseHost('fd://', false), 'fd://');
  assert.equal(parseHost('fd://*', false), 'fd://');
  assert.equal(parseHost('fd://3', false), 'fd://3');
  assert.throws(() => parseHost('fd://2', false), { message: /invalid bind address format: fd:\/\/2 \(fd:\/\/ takes a descriptor number/ });
  assert.throws(() => parseHost('fd://x', false), { message: /invalid bind address format: fd:\/\/x/ });
  assert.throws(() => parseHost('npipe:////./pipe/x', false), { message: 'invalid bind address format: npipe:////./pipe/x' });
  assert.throws(() => parseHost('tcp://h:99999', false), /^ValueError: invalid bind address format: tcp:\/\/h:99999 \(port/);
  assert.throws(() => parseHost('tcp://h:2375/path', false), /a TCP address has no path/);
  assert.throws(() => parseHost('tcp://::1:2375', false), /put IPv6 addresses in brackets/);
  assert.throws(() => parseHost('tcp://[zz]:1', false), /bad IPv6 address/);
  assert.throws(() => parseHost('tcp://a b:1', false), /bad host name/);
});
