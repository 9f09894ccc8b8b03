// The rule text, without the kernel (firewall.test.ts and firewall-routed.test.ts apply it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elementsOf, postSubnetsOf } from './nft-json.ts';
import { checkName, dnatRule, networkBatch, type PortMap } from './nft-rules.ts';

const m = (o: Partial<PortMap>): PortMap => ({ proto: 'tcp', hostIp: '', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80, bridge: 'berth0', ...o });

test('a port map becomes one DNAT rule, restricted to its host address when it has one', () => {
  assert.equal(dnatRule(m({})), 'meta nfproto ipv4 tcp dport 8080 dnat ip to 172.17.0.2:80');
  assert.equal(dnatRule(m({ hostIp: '0.0.0.0', proto: 'udp' })), 'meta nfproto ipv4 udp dport 8080 dnat ip to 172.17.0.2:80');
  assert.equal(dnatRule(m({ hostIp: '127.0.0.1', proto: 'sctp' })), 'ip daddr 127.0.0.1 sctp dport 8080 dnat ip to 172.17.0.2:80');
  assert.equal(dnatRule(m({ hostIp: '::', containerIp: 'fd00::2' })), 'meta nfproto ipv6 tcp dport 8080 dnat ip6 to [fd00::2]:80');
  assert.equal(dnatRule(m({ hostIp: 'fd00::1', containerIp: 'fd00::2' })), 'ip6 daddr fd00::1 tcp dport 8080 dnat ip6 to [fd00::2]:80');
});

test('what the kernel cannot do, or nft would misread, is refused', () => {
  for (const bad of [
    m({ hostIp: '::' }), m({ hostIp: '::1', containerIp: 'fd00::2' }), m({ hostIp: '10.0.0.1', containerIp: 'fd00::2' }),
    m({ hostPort: 0 }), m({ containerPort: 65536 }), m({ containerIp: '172.17.0.2; flush ruleset' }), m({ proto: 'icmp' as 'tcp' }),
  ]) assert.throws(() => dnatRule(bad), { kind: 'invalid-parameter' }, JSON.stringify(bad));
  assert.throws(() => checkName('owner', 'a b'), { kind: 'invalid-parameter' });
  assert.throws(() => networkBatch('t', { bridge: 'br1', subnet: '10.0.0.0/24 } ; flush ruleset', internal: false, masquerade: true, icc: true }), { kind: 'invalid-parameter' });
  assert.throws(() => networkBatch('t', { bridge: 'br1', subnet: '10.0.0.0/33', internal: false, masquerade: true, icc: true }), { kind: 'invalid-parameter' });
  assert.throws(() => networkBatch('t', { bridge: 'bridge-name-too-long', subnet: '10.0.0.0/24', internal: false, masquerade: true, icc: true }), { kind: 'invalid-parameter' });
});

test('a network\'s rules follow internal, masquerade and icc', () => {
  const rules = (o: { internal: boolean; masquerade: boolean; icc: boolean }) => networkBatch('t', { bridge: 'br1', subnet: '10.0.0.0/24', ipv6Subnet: 'fd00::/64', ...o }).join('\n');
  const open = rules({ internal: false, masquerade: true, icc: true });
  assert.match(open, /add rule inet t post_br1 oifname != "br1" masquerade/);
  assert.match(open, /add element inet t post_src6 \{ fd00::\/64 : jump post_br1 \}/);
  assert.doesNotMatch(open, /oifname != "br1" drop/);
  const closed = rules({ internal: true, masquerade: true, icc: false });
  assert.match(closed, /add rule inet t fin_br1 oifname != "br1" drop/);
  assert.match(closed, /add rule inet t fout_br1 iifname != "br1" drop/);
  assert.match(closed, /add rule inet t fin_br1 oifname "br1" ct status & dnat == 0 drop/);
  assert.doesNotMatch(closed, /oifname != "br1" masquerade/);
});

test('subnets are read back from nft\'s JSON, as prefixes or single addresses', () => {
  const objs = [
    { map: { name: 'post_src', elem: [[{ prefix: { addr: '10.0.0.0', len: 24 } }, { jump: { target: 'post_br1' } }], [{ prefix: { addr: '10.0.1.0', len: 24 } }, { jump: { target: 'post_br2' } }]] } },
    { map: { name: 'post_src6', elem: [['fd00::1', { jump: { target: 'post_br1' } }]] } },
    { set: { name: 'noicc', elem: [{ prefix: { addr: '10.0.0.0', len: 24 } }] } },
  ];
  assert.deepEqual(postSubnetsOf(objs, 'br1'), ['10.0.0.0/24', 'fd00::1']);
  assert.deepEqual(elementsOf(objs, ['noicc']), ['10.0.0.0/24']);
});
