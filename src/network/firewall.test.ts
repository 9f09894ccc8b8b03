// The firewall against the real kernel, in the host's network namespace: a bridge and a
// "container" namespace made here (net-lab.ts), ports published on 127.0.0.1 and answered by a
// server in that namespace. Traffic goes only to 127.0.0.1 and to the lab's own addresses.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { hex, makeLab, type NetLab } from '../testing/net-lab.ts';
import { requires } from '../testing/requires.ts';
import { within } from '../testing/until.ts';
import { Firewall, type PortMap } from './firewall.ts';
import { pickFreePort } from './port-holder.ts';
import { mustRun } from './run-tool.ts';

const skip = requires('root', 'nft');

/** The first line the TCP server answers on host:port. */
export async function ask(port: number, host = '127.0.0.1'): Promise<string> {
  const s = connect({ port, host });
  let text = '';
  s.setEncoding('utf8').on('data', (d: string) => (text += d));
  await within(`an answer on ${host}:${port}`, once(s, 'end'), 5000);
  s.destroy();
  return text.trim();
}

export async function refusedCode(port: number, host = '127.0.0.1'): Promise<string> {
  const s = connect({ port, host });
  const [err] = (await within(`${host}:${port} to refuse`, once(s, 'error').catch((e: unknown) => [e]), 5000)) as [NodeJS.ErrnoException];
  s.destroy();
  return err.code ?? '';
}

export async function udpAsk(port: number, host = '127.0.0.1'): Promise<string> {
  const u = createSocket('udp4');
  try {
    const reply = once(u, 'message');
    u.send('ping', port, host);
    const [msg] = (await within(`a UDP reply from ${host}:${port}`, reply, 5000)) as [Buffer];
    return msg.toString();
  } finally {
    u.close();
  }
}

const hi = (lab: NetLab) => new RegExp(`^hi ${lab.containerIp.replaceAll('.', '\\.')} from `);

const tablePresent = async (t: string) => (await mustRun('nft', ['list', 'tables'])).split('\n').includes(`table inet ${t}`);

describe('Firewall on the host', { skip }, () => {
  let lab: NetLab;
  const table = `berth_t${hex(8)}`;
  const fw = new Firewall({ table });
  const map = (o: Partial<PortMap> & { hostPort: number }): PortMap => ({
    proto: 'tcp', hostIp: '127.0.0.1', containerIp: lab.containerIp, containerPort: 80, bridge: lab.bridge, ...o,
  });

  before(async () => {
    lab = await makeLab();
    await fw.init();
    await fw.addNetwork({ bridge: lab.bridge, subnet: lab.subnet, internal: false, masquerade: true, icc: true });
  });
  after(async () => {
    await fw.destroy();
    await lab?.close();
  });

  test('a port published on 127.0.0.1 answers from the container, tcp and udp, and goes with unpublish', async () => {
    const used = new Set<number>();
    const tcp = await pickFreePort('127.0.0.1', 'tcp', used);
    const udp = await pickFreePort('127.0.0.1', 'udp', used);
    await fw.publish('c1', [map({ hostPort: tcp }), map({ proto: 'udp', hostPort: udp })]);
    // The source is the gateway: 127.0.0.1 was masqueraded on the way out of the bridge.
    assert.equal(await ask(tcp), `hi ${lab.containerIp} from ${lab.gateway}`);
    assert.equal(await udpAsk(udp), 'pong ping');
    assert.deepEqual(await fw.owners(), ['c1']);
    await fw.unpublish('c1');
    assert.equal(await refusedCode(tcp), 'ECONNREFUSED');
    assert.deepEqual(await fw.owners(), []);
    await fw.unpublish('c1'); // idempotent
  });

  test('publish replaces an owner\'s rules and leaves other owners alone', async () => {
    const p1 = await pickFreePort('127.0.0.1', 'tcp', new Set());
    const q2 = await pickFreePort('127.0.0.1', 'tcp', new Set([p1]));
    const q3 = await pickFreePort('127.0.0.1', 'tcp', new Set([p1, q2]));
    await fw.publish('a', [map({ hostPort: p1 })]);
    await fw.publish('b', [map({ hostPort: q3 }), map({ proto: 'sctp', hostPort: q3 })]); // sctp: the kernel takes the rule
    await fw.publish('a', [map({ hostPort: q2 })]);
    assert.equal(await refusedCode(p1), 'ECONNREFUSED');
    assert.match(await ask(q2), hi(lab));
    assert.match(await ask(q3), hi(lab));
    assert.deepEqual((await fw.owners()).sort(), ['a', 'b']);
    // A second Firewall on the same table (berthd restarted) finds them and keeps them working.
    const again = new Firewall({ table });
    await again.init();
    assert.deepEqual((await again.owners()).sort(), ['a', 'b']);
    assert.match(await ask(q3), hi(lab));
    await again.publish('a', []); // as unpublish
    await again.unpublish('b');
    assert.equal(await refusedCode(q3), 'ECONNREFUSED');
  });

  test('without a host address the port answers on the host\'s loopback and its other addresses', async () => {
    const port = await pickFreePort('', 'tcp', new Set());
    await fw.publish('all', [map({ hostIp: '', hostPort: port })]);
    assert.match(await ask(port, '127.0.0.1'), hi(lab));
    assert.match(await ask(port, lab.gateway), hi(lab));
    await fw.unpublish('all');
  });

  test('a container cannot reach the host\'s loopback services through route_localnet (CVE-2020-8558)', async () => {
    // A UDP service of the test on the host's 127.0.0.1, and the lab container routing
    // 127.0.0.1 to its gateway instead of its own loopback, as one with CAP_NET_ADMIN could.
    // (UDP: one datagram in is the harm; TCP's answer from 127.0.0.1 gets no further here.)
    const got: string[] = [];
    const service = createSocket('udp4').on('message', (m) => got.push(String(m)));
    service.bind(0, '127.0.0.1');
    await once(service, 'listening');
    const port = service.address().port;
    const inNs = (...a: string[]) => mustRun('ip', ['-n', lab.ns, ...a]);
    await inNs('route', 'del', 'local', '127.0.0.1', 'dev', 'lo', 'table', 'local');
    await inNs('route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local');
    await inNs('route', 'add', '127.0.0.1/32', 'via', lab.gateway);
    const send = `require('node:dgram').createSocket('udp4').send(process.argv[1], ${port}, '127.0.0.1', () => process.exit(0))`;
    const sendFromLab = async (text: string) => {
      await mustRun('ip', ['netns', 'exec', lab.ns, process.execPath, '-e', send, text]);
      await new Promise((r) => setTimeout(r, 300));
    };
    try {
      await sendFromLab('guarded');
      // What the guard stops: without it the datagram reaches the host's loopback service.
      await mustRun('nft', ['flush', 'chain', 'inet', table, 'guard']);
      await sendFromLab('unguarded');
      await new Firewall({ table }).init(); // as a restarted berthd, it writes the base chains again
      await sendFromLab('guarded again');
      assert.deepEqual(got, ['unguarded']);
    } finally {
      service.close();
    }
  });

  test('a bad port map is refused before anything changes', async () => {
    await assert.rejects(fw.publish('bad', [map({ hostPort: 70000 })]), { kind: 'invalid-parameter' });
    await assert.rejects(fw.publish('bad', [map({ hostPort: 8080, hostIp: '::1' })]), { kind: 'invalid-parameter' });
    await assert.rejects(fw.publish('bad;flush ruleset', []), { kind: 'invalid-parameter' });
    assert.deepEqual(await fw.owners(), []);
  });

  test('destroy leaves no table and no route_localnet behind', async () => {
    const localnet = `/proc/sys/net/ipv4/conf/${lab.bridge}/route_localnet`;
    assert.equal(readFileSync(localnet, 'utf8').trim(), '1');
    await fw.publish('x', [map({ hostPort: await pickFreePort('127.0.0.1', 'tcp', new Set()) })]);
    assert.ok(await tablePresent(table));
    await fw.destroy();
    assert.ok(!(await tablePresent(table)));
    assert.equal(readFileSync(localnet, 'utf8').trim(), '0');
    assert.ok(!(await mustRun('iptables', ['-w', '-S', 'FORWARD'])).includes(`berth:${table}:`));
    await fw.destroy(); // idempotent
  });
});
