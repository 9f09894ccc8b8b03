import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, contains, DEFAULT_POOLS, defaultGateway, formatIp, isHostAddress, macForIPv4, nextFree, overlaps, parseCidr, pickSubnet } from './addresses.ts';

const cidr = (s: string) => parseCidr(s)!;

test('CIDRs: network, family, refusals', () => {
  const c = cidr('172.18.3.7/16');
  assert.equal(formatIp(c.base, 4), '172.18.0.0');
  assert.equal(formatIp(c.address, 4), '172.18.3.7');
  assert.equal(c.prefix, 16);
  assert.equal(formatIp(cidr('2001:db8:0:0::1/64').base, 6), '2001:db8::');
  for (const bad of ['10.0.0.0/33', '10.0.0/8', 'bad', '10.0.0.0', '::/129']) assert.equal(parseCidr(bad), undefined, bad);
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalIp('1.2.3'), undefined);
});

test('contains and overlaps, per family', () => {
  assert.ok(contains(cidr('10.1.0.0/16'), '10.1.255.255'));
  assert.ok(!contains(cidr('10.1.0.0/16'), '10.2.0.0'));
  assert.ok(!contains(cidr('10.1.0.0/16'), '::1'));
  assert.ok(overlaps(cidr('172.18.0.0/16'), cidr('172.18.5.0/24')));
  assert.ok(!overlaps(cidr('172.18.0.0/16'), cidr('172.19.0.0/16')));
});

test('next free address: after network address and gateway, within the range, never broadcast', () => {
  const s = cidr('10.9.0.0/24');
  assert.equal(defaultGateway(s), '10.9.0.1');
  assert.equal(nextFree(s, undefined, new Set(['10.9.0.1'])), '10.9.0.2');
  assert.equal(nextFree(s, undefined, new Set(['10.9.0.1', '10.9.0.2', '10.9.0.4'])), '10.9.0.3');
  assert.equal(nextFree(s, cidr('10.9.0.128/25'), new Set()), '10.9.0.128');
  assert.equal(defaultGateway(s, cidr('10.9.0.128/25')), '10.9.0.128', 'dockerd takes the range\'s first address');
  const full = new Set(Array.from({ length: 254 }, (_, i) => `10.9.0.${i + 1}`).filter((ip) => ip !== '10.9.0.255'));
  assert.equal(nextFree(s, undefined, full), undefined, 'the broadcast address is no host\'s');
  assert.ok(!isHostAddress(s, '10.9.0.0') && !isHostAddress(s, '10.9.0.255') && isHostAddress(s, '10.9.0.254'));
  assert.equal(nextFree(cidr('fd00:1::/64'), undefined, new Set(['fd00:1::1'])), 'fd00:1::2');
});

test('MAC from the IPv4 address, as dockerd 20.10', () => {
  assert.equal(macForIPv4('172.18.0.2'), '02:42:ac:12:00:02');
  assert.equal(macForIPv4('10.70.0.200'), '02:42:0a:46:00:c8');
});

test('subnets from the pools skip what is taken or routed', () => {
  assert.equal(pickSubnet(DEFAULT_POOLS, []), '172.17.0.0/16');
  assert.equal(pickSubnet(DEFAULT_POOLS, ['172.17.0.0/16', '172.18.4.0/24']), '172.19.0.0/16');
  const all172 = Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`);
  assert.equal(pickSubnet(DEFAULT_POOLS, [...all172, '192.168.0.0/24']), '192.168.16.0/20');
  assert.equal(pickSubnet([{ base: '10.10.0.0/16', size: 24 }], ['10.10.0.0/23']), '10.10.2.0/24');
  assert.equal(pickSubnet([{ base: '10.10.0.0/24', size: 24 }], ['10.0.0.0/8']), undefined);
});
