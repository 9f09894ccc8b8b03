import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../api/types/errors.ts';
import { formatIp, parseIp } from './ip-address.ts';
import { DEFAULT_POOLS, contains, firstHost, hostRoutes, macForIPv4, nextFree, overlaps, parseCidr, parseRoutes4, parseRoutes6, pickSubnet } from './ipam.ts';

const invalid = (err: unknown) => isKind(err, 'invalid-parameter');

test('parseCidr keeps the address, finds the network, refuses what Go refuses', () => {
  assert.deepEqual(parseCidr('172.17.0.1/16'), { address: '172.17.0.1', prefix: 16, network: '172.17.0.0/16' });
  assert.deepEqual(parseCidr('10.1.2.3/32'), { address: '10.1.2.3', prefix: 32, network: '10.1.2.3/32' });
  assert.deepEqual(parseCidr('0.0.0.0/0'), { address: '0.0.0.0', prefix: 0, network: '0.0.0.0/0' });
  assert.deepEqual(parseCidr('2001:DB8::1/64'), { address: '2001:db8::1', prefix: 64, network: '2001:db8::/64' });
  assert.deepEqual(parseCidr('fd00:0:0:0:0:0:0:5/126'), { address: 'fd00::5', prefix: 126, network: 'fd00::4/126' });
  for (const bad of ['10.0.0.0', '10.0.0/8', '10.0.0.0/33', '256.0.0.0/8', '10.01.0.0/16', '10.0.0.0/08', 'fd00::/129', 'fd00:::1/64', '1:2:3:4:5:6:7:8:9/64', 'x/8', '10.0.0.0/', '/8', ' 10.0.0.0/8'])
    assert.throws(() => parseCidr(bad), (err) => invalid(err) && (err as Error).message === `invalid CIDR address: ${bad}`, bad);
});

test('IPv6 text: RFC 5952 as Go prints it, embedded IPv4 read', () => {
  const round = (s: string) => formatIp(parseIp(s)!);
  assert.equal(round('2001:0db8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
  assert.equal(round('0:0:0:0:0:0:0:0'), '::');
  assert.equal(round('::1'), '::1');
  assert.equal(round('1::'), '1::');
  assert.equal(round('1:0:2:3:4:5:6:7'), '1:0:2:3:4:5:6:7');
  assert.equal(round('1:0:0:2:0:0:0:3'), '1:0:0:2::3');
  assert.equal(round('::ffff:10.1.2.3'), '::ffff:a01:203');
  assert.equal(parseIp('1::2::3'), undefined);
  assert.equal(parseIp('12345::'), undefined);
  assert.equal(parseIp('1:2:3:4:5:6:7:8::'), undefined);
});

test('contains and overlaps, per family', () => {
  assert.equal(contains('172.17.0.0/16', '172.17.255.255'), true);
  assert.equal(contains('172.17.0.0/16', '172.18.0.0'), false);
  assert.equal(contains('172.17.0.0/16', '172.17.3.4/24'), true);
  assert.equal(contains('fd00::/64', 'fd00::ffff'), true);
  assert.equal(contains('fd00::/64', 'fd00:0:0:1::'), false);
  assert.equal(contains('0.0.0.0/0', '::1'), false);
  assert.throws(() => contains('10.0.0.0/8', '10.0.0'), invalid);
  assert.equal(overlaps('10.0.0.0/8', '10.200.0.0/16'), true);
  assert.equal(overlaps('10.200.0.0/16', '10.0.0.0/8'), true);
  assert.equal(overlaps('192.168.0.0/20', '192.168.16.0/20'), false);
  assert.equal(overlaps('192.168.0.0/20', '192.168.15.255/32'), true);
  assert.equal(overlaps('fd00::/8', 'fd12::/64'), true);
  assert.equal(overlaps('10.0.0.0/8', '::/0'), false);
});

test('firstHost is the gateway dockerd gives', () => {
  assert.equal(firstHost('172.17.0.0/16'), '172.17.0.1');
  assert.equal(firstHost('10.5.0.7/24'), '10.5.0.1');
  assert.equal(firstHost('fd00:1::/64'), 'fd00:1::1');
});

test('nextFree: the lowest free host address, within the range, never network or broadcast', () => {
  const used = (...a: string[]) => new Set(a);
  assert.equal(nextFree({ subnet: '172.17.0.0/16', used: used('172.17.0.1') }), '172.17.0.2');
  assert.equal(nextFree({ subnet: '172.17.0.0/16', used: used('172.17.0.1', '172.17.0.2', '172.17.0.4') }), '172.17.0.3');
  assert.equal(nextFree({ subnet: '10.0.0.0/30', used: used('10.0.0.1') }), '10.0.0.2');
  assert.equal(nextFree({ subnet: '10.0.0.0/30', used: used('10.0.0.1', '10.0.0.2') }), undefined);
  assert.equal(nextFree({ subnet: '10.0.0.0/31', used: used() }), '10.0.0.0');
  assert.equal(nextFree({ subnet: '10.0.0.8/32', used: used() }), '10.0.0.8');
  assert.equal(nextFree({ subnet: '172.20.0.0/16', range: '172.20.5.0/24', used: used('172.20.0.1') }), '172.20.5.0');
  assert.equal(nextFree({ subnet: '172.20.0.0/16', range: '172.20.255.252/30', used: used('172.20.255.252', '172.20.255.253', '172.20.255.254') }), undefined);
  assert.throws(() => nextFree({ subnet: '172.20.0.0/16', range: '172.21.0.0/24', used: used() }), invalid);
  // IPv6: only the network address is reserved; addresses compare as numbers, whatever their spelling.
  assert.equal(nextFree({ subnet: 'fd00::/64', used: used('fd00::1', 'fd00:0::2') }), 'fd00::3');
  assert.equal(nextFree({ subnet: 'fd00::/126', used: used('fd00::1', 'fd00::2') }), 'fd00::3');
  assert.equal(nextFree({ subnet: 'fd00::/127', used: used('fd00::1') }), undefined);
  assert.equal(nextFree({ subnet: 'fd00::/64', range: 'fd00::100/120', used: used('fd00::100') }), 'fd00::101');
});

test('macForIPv4: 02:42 and the address bytes, as dockerd < 25', () => {
  assert.equal(macForIPv4('172.17.0.2'), '02:42:ac:11:00:02');
  assert.equal(macForIPv4('172.18.0.2'), '02:42:ac:12:00:02');
  assert.equal(macForIPv4('192.168.255.10'), '02:42:c0:a8:ff:0a');
  assert.throws(() => macForIPv4('fd00::2'), invalid);
});

test('pickSubnet walks dockerd default pools, skipping what overlaps', () => {
  assert.equal(DEFAULT_POOLS.length, 16);
  assert.deepEqual(DEFAULT_POOLS[0], { base: '172.17.0.0/16', size: 16 });
  assert.deepEqual(DEFAULT_POOLS[14], { base: '172.31.0.0/16', size: 16 });
  assert.deepEqual(DEFAULT_POOLS[15], { base: '192.168.0.0/16', size: 20 });
  assert.equal(pickSubnet(DEFAULT_POOLS, []), '172.17.0.0/16');
  assert.equal(pickSubnet(DEFAULT_POOLS, ['172.17.0.0/16', '172.18.5.0/24']), '172.19.0.0/16');
  assert.equal(pickSubnet(DEFAULT_POOLS, ['172.16.0.0/12']), '192.168.0.0/20');
  assert.equal(pickSubnet(DEFAULT_POOLS, ['172.16.0.0/12', '192.168.0.0/24', '192.168.16.1/32']), '192.168.32.0/20');
  assert.equal(pickSubnet(DEFAULT_POOLS, ['172.16.0.0/12', '192.168.0.0/16']), undefined);
  assert.equal(pickSubnet(DEFAULT_POOLS, ['0.0.0.0/0']), undefined); // a default route is never passed as taken
  assert.equal(pickSubnet([{ base: '10.10.0.0/16', size: 24 }], ['10.10.0.0/24', 'fd00::/8']), '10.10.1.0/24');
  assert.throws(() => pickSubnet([{ base: '10.10.0.0/16', size: 8 }], []), invalid);
});

test('routes: /proc/net/route and ipv6_route, without default, link-local and multicast', async () => {
  const route4 = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n';
  assert.deepEqual(parseRoutes4(route4, true), ['192.0.2.0/24', '172.17.0.0/16']);
  assert.deepEqual(parseRoutes4('h\neth0 C0000200 0 1 0 0 0 FFFFFF00 0 0 0\n', false), ['192.0.2.0/24']);
  const route6 = '20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n' +
    'fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n' +
    '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n' +
    'ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n' +
    '00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000001 00000000 80200001       lo\n';
  assert.deepEqual(parseRoutes6(route6), ['2001:db8::/64', '::1/128']);
  const routes = await hostRoutes();
  assert.ok(routes.every((r) => parseCidr(r).network === r && parseCidr(r).prefix > 0), routes.join(' '));
});
