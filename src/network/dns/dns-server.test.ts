// The resolver in-process (DnsService → NetworkDnsServer), all traffic on 127.0.0.1: two
// networks on two ports, an upstream the test runs, queries over UDP and TCP.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { addresses, freePort, LOCALHOST, query, startUpstream, type Upstream } from '../../testing/dns.ts';
import { DnsService } from './dns-service.ts';
import type { DnsRecords } from './records.ts';
import { reverseName } from './reverse.ts';

function records(portA: number, portB: number, upstream: string[]): DnsRecords {
  return {
    upstream,
    networks: [
      {
        name: 'front', listen: `${LOCALHOST}:${portA}`,
        entries: [
          { names: ['web', 'www', '0123456789ab'], ipv4: '172.30.0.2', ipv6: 'fd00::2' },
          { names: ['api-1', 'api'], ipv4: '172.30.0.3' },
          { names: ['api-2', 'api'], ipv4: '172.30.0.4' },
        ],
      },
      { name: 'back', listen: `${LOCALHOST}:${portB}`, entries: [{ names: ['db'], ipv4: '172.31.0.2' }] },
    ],
  };
}

describe('berth-dns resolver', () => {
  let upstream: Upstream;
  let service: DnsService;
  let a: number;
  let b: number;

  before(async () => {
    upstream = await startUpstream({ 'example.test': '192.0.2.10' });
    [a, b] = [await freePort(), await freePort()];
    service = new DnsService();
    await service.apply(records(a, b, [`${LOCALHOST}:${upstream.port}`]));
  });
  after(async () => {
    await service.close();
    await upstream.close();
  });

  test('answers a container by name, alias, short id and name.network, in any case, with or without the dot', async () => {
    for (const name of ['web', 'www', '0123456789ab', 'web.front', 'WEB.Front.', 'Www.']) {
      const r = await query({ port: a, name });
      assert.equal(r.rcode, 'NOERROR', name);
      assert.deepEqual(addresses(r), ['172.30.0.2'], name);
      assert.equal((r.answers![0] as { ttl?: number }).ttl, 600);
      assert.equal(r.flag_aa, true);
    }
  });

  test('a shared alias gives every address, rotated at each query', async () => {
    const first = addresses(await query({ port: a, name: 'api' }));
    const second = addresses(await query({ port: a, name: 'api.front' }));
    const third = addresses(await query({ port: a, name: 'api' }));
    assert.deepEqual([...first].sort(), ['172.30.0.3', '172.30.0.4']);
    assert.deepEqual(second, [...first].reverse());
    assert.notDeepEqual(third, addresses(await query({ port: a, name: 'api' })));
  });

  test('AAAA from the IPv6 address; a known name without one is NOERROR and empty', async () => {
    assert.deepEqual(addresses(await query({ port: a, name: 'web', type: 'AAAA' })), ['fd00::2']);
    const none = await query({ port: a, name: 'api-1', type: 'AAAA' });
    assert.equal(none.rcode, 'NOERROR');
    assert.deepEqual(none.answers, []);
    assert.ok(!upstream.seen.includes('udp AAAA api-1'), 'a known name is not asked upstream');
  });

  test("PTR for a container's addresses names it on this network; other addresses go upstream", async () => {
    assert.equal(reverseName('172.30.0.2'), '2.0.30.172.in-addr.arpa');
    assert.equal(reverseName('fd00::2'), `2.${'0.'.repeat(29)}d.f.ip6.arpa`);
    assert.equal(reverseName('2001:db8::1:0:0:1'), '1.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    for (const ip of ['172.30.0.2', 'fd00::2']) {
      assert.deepEqual(addresses(await query({ port: a, name: reverseName(ip)!, type: 'PTR' })), ['web.front'], ip);
    }
    assert.equal((await query({ port: b, name: reverseName('172.30.0.2')!, type: 'PTR' })).rcode, 'NXDOMAIN');
    assert.ok(upstream.seen.includes('udp PTR 2.0.30.172.in-addr.arpa'), 'asked upstream on the other network');
  });

  test('other names and other types go upstream, and its answer comes back', async () => {
    const r = await query({ port: a, name: 'example.test' });
    assert.deepEqual(addresses(r), ['192.0.2.10']);
    assert.ok(upstream.seen.includes('udp A example.test'));
    assert.equal((await query({ port: a, name: 'nowhere.test' })).rcode, 'NXDOMAIN');
    await query({ port: a, name: 'web', type: 'MX' });
    assert.ok(upstream.seen.includes('udp MX web'));
  });

  test("a network's address never answers another network's names", async () => {
    assert.deepEqual(addresses(await query({ port: b, name: 'db' })), ['172.31.0.2']);
    assert.deepEqual(addresses(await query({ port: b, name: 'db.back' })), ['172.31.0.2']);
    assert.equal((await query({ port: a, name: 'db' })).rcode, 'NXDOMAIN');
    assert.equal((await query({ port: b, name: 'web' })).rcode, 'NXDOMAIN');
    assert.equal((await query({ port: b, name: 'web.front' })).rcode, 'NXDOMAIN');
  });

  test('TCP: local names answered, others forwarded over TCP', async () => {
    assert.deepEqual(addresses(await query({ port: a, name: 'web', tcp: true })), ['172.30.0.2']);
    assert.deepEqual(addresses(await query({ port: b, name: 'example.test', tcp: true })), ['192.0.2.10']);
    assert.ok(upstream.seen.includes('tcp A example.test'));
  });

  test('a reload swaps the names on the sockets already bound, and unbinds a network that went', async () => {
    const r = records(a, b, [`${LOCALHOST}:${upstream.port}`]);
    r.networks[0]!.entries.push({ names: ['late'], ipv4: '172.30.0.9' });
    r.networks.pop();
    await service.apply(r);
    assert.deepEqual(addresses(await query({ port: a, name: 'late' })), ['172.30.0.9']);
    assert.deepEqual(service.listening(), [`${LOCALHOST}:${a}`]);
    await service.apply(records(a, b, [`${LOCALHOST}:${upstream.port}`]));
    assert.equal((await query({ port: a, name: 'late' })).rcode, 'NXDOMAIN');
    assert.deepEqual(addresses(await query({ port: b, name: 'db' })), ['172.31.0.2']);
  });
});

describe('berth-dns upstreams and limits', () => {
  test('falls back to the next upstream on a refusal and on a timeout; none answering is SERVFAIL', async () => {
    const live = await startUpstream({ 'example.test': '192.0.2.10' });
    const silent = createSocket('udp4'); // takes queries and never answers
    const silentPort = await freePort();
    await new Promise<void>((r) => silent.bind({ address: LOCALHOST, port: silentPort }, r));
    const refused = await freePort(); // nothing listens there
    const port = await freePort();
    const service = new DnsService();
    try {
      const net = { name: 'n', listen: `${LOCALHOST}:${port}`, entries: [] };
      await service.apply({ upstream: [`${LOCALHOST}:${refused}`, `${LOCALHOST}:${silentPort}`, `${LOCALHOST}:${live.port}`], networks: [net] });
      assert.deepEqual(addresses(await query({ port, name: 'example.test' })), ['192.0.2.10']);
      await service.apply({ upstream: [`${LOCALHOST}:${refused}`, `${LOCALHOST}:${silentPort}`], networks: [net] });
      const started = Date.now();
      assert.equal((await query({ port, name: 'example.test' })).rcode, 'SERVFAIL');
      assert.ok(Date.now() - started < 3000, 'SERVFAIL within the ~2 s bound');
      assert.equal((await query({ port, name: 'example.test', tcp: true })).rcode, 'SERVFAIL');
    } finally {
      await service.close();
      await live.close();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  test('an internal network answers its names and forwards nothing', async () => {
    const live = await startUpstream({ 'example.test': '192.0.2.10' });
    const port = await freePort();
    const service = new DnsService();
    try {
      await service.apply({ upstream: [`${LOCALHOST}:${live.port}`], networks: [{ name: 'in', listen: `${LOCALHOST}:${port}`, internal: true, entries: [{ names: ['web'], ipv4: '172.30.3.2' }] }] });
      assert.deepEqual(addresses(await query({ port, name: 'web.in' })), ['172.30.3.2']);
      assert.equal((await query({ port, name: 'example.test' })).rcode, 'SERVFAIL');
      assert.deepEqual(live.seen, []);
    } finally {
      await service.close();
      await live.close();
    }
  });

  test('more addresses than a datagram holds: truncated over UDP, all of them over TCP', async () => {
    const port = await freePort();
    const entries = Array.from({ length: 40 }, (_, i) => ({ names: [`c${i}`, 'many'], ipv4: `172.30.1.${i + 2}` }));
    const service = new DnsService();
    try {
      await service.apply({ upstream: [], networks: [{ name: 'big', listen: `${LOCALHOST}:${port}`, entries }] });
      const udp = await query({ port, name: 'many' });
      assert.equal(udp.flag_tc, true);
      assert.equal(addresses(await query({ port, name: 'many', tcp: true })).length, 40);
    } finally {
      await service.close();
    }
  });

  test('an address not on the host yet (no bridge) is waited for; the other networks answer meanwhile', async () => {
    const port = await freePort();
    const service = new DnsService();
    try {
      // 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails, no packet is sent.
      await service.apply({ upstream: [], networks: [
        { name: 'up', listen: `${LOCALHOST}:${port}`, entries: [{ names: ['x'], ipv4: '172.30.2.2' }] },
        { name: 'down', listen: '192.0.2.1', entries: [] },
      ] });
      assert.deepEqual(service.waiting(), ['192.0.2.1:53']);
      assert.deepEqual(addresses(await query({ port, name: 'x' })), ['172.30.2.2']);
    } finally {
      await service.close();
    }
  });
});

test("a container with --dns servers of its own: its queries for other names go there, the others' to the daemon's", async () => {
  const daemons = await startUpstream({ 'example.test': '192.0.2.10' });
  const own = await startUpstream({ 'example.test': '192.0.2.99' });
  const port = await freePort();
  const service = new DnsService();
  const net = (ownUpstream: string[] | undefined) => ({
    upstream: [`${LOCALHOST}:${daemons.port}`],
    // The querying client is 127.0.0.1: as an entry's address, it is that container asking.
    networks: [{ name: 'n', listen: `${LOCALHOST}:${port}`, entries: [{ names: ['me'], ipv4: LOCALHOST, ...(ownUpstream && { upstream: ownUpstream }) }] }],
  });
  try {
    await service.apply(net([`${LOCALHOST}:${own.port}`]));
    assert.deepEqual(addresses(await query({ port, name: 'example.test' })), ['192.0.2.99']);
    assert.deepEqual(addresses(await query({ port, name: 'example.test', tcp: true })), ['192.0.2.99']);
    assert.deepEqual(addresses(await query({ port, name: 'me' })), [LOCALHOST], 'the network names are answered all the same');
    await service.apply(net(undefined));
    assert.deepEqual(addresses(await query({ port, name: 'example.test' })), ['192.0.2.10']);
  } finally {
    await service.close();
    await daemons.close();
    await own.close();
  }
});

test('link aliases on a user network answer for the linking container alone', async () => {
  const upstream = await startUpstream({});
  const port = await freePort();
  const service = new DnsService();
  const linker = (ip: string) => ({ names: ['linker'], ipv4: ip, links: [{ names: ['db'], ipv4: '172.30.9.3' }] });
  const recs = (ip: string) => ({ upstream: [`${LOCALHOST}:${upstream.port}`], networks: [{ name: 'n', listen: `${LOCALHOST}:${port}`, entries: [linker(ip), { names: ['store'], ipv4: '172.30.9.3' }] }] });
  try {
    await service.apply(recs(LOCALHOST)); // the querying client is the linking container
    assert.deepEqual(addresses(await query({ port, name: 'db' })), ['172.30.9.3']);
    assert.deepEqual(addresses(await query({ port, name: 'store' })), ['172.30.9.3']);
    await service.apply(recs('172.30.9.2')); // the client is another container
    assert.equal((await query({ port, name: 'db' })).rcode, 'NXDOMAIN');
  } finally {
    await service.close();
    await upstream.close();
  }
});
