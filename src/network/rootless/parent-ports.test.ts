// The host's side of a rootless berthd's published ports, against a real rootlesskit run by a
// user the test makes: a "container" (a namespace on a bridge inside rootlesskit's namespace,
// serving with busybox httpd) is reached from the host's 127.0.0.1 through the listener
// ParentPorts asks rootlesskit for, and not any more once unpublished. Traffic goes to
// 127.0.0.1 and into the namespaces the test made only.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { requires } from '../../testing/requires.ts';
import { until } from '../../testing/until.ts';
import { getLocal } from '../../testing/http-get.ts';
import { ParentPorts, type PortRecords } from './parent-ports.ts';
import { RootlessKitApi } from './port-api.ts';
import { RootlessHostPorts, parentNetDir } from './host-ports.ts';
import { TestKit } from './test-kit.ts';
import type { PortMap } from '../firewall.ts';
import { onPath } from '../../testing/prerequisites.ts';

const skip = requires('root', 'ip', 'busybox') || (!onPath('rootlesskit') && 'needs rootlesskit (Debian package rootlesskit) and slirp4netns');
const CONTAINER_IP = '10.213.0.2';

let kit: TestKit;
let api: RootlessKitApi;
const records = new Map<string, PortMap[]>();
const store: PortRecords = { of: (o) => records.get(o) ?? [], all: () => [...records.values()].flat() };
let ports: ParentPorts;

before(async () => {
  if (skip) return;
  kit = await TestKit.start();
  api = new RootlessKitApi(`${kit.stateDir}/api.sock`);
  ports = new ParentPorts({ api, records: store, inner: undefined, prepare: async () => undefined });
  // A bridge and a "container" namespace on it, as berth makes them, inside the holder (and
  // /run/netns the namespace's own, as berthd makes it: rootless-network.ts, ownRunEntries).
  kit.must(['sh', '-c', 'rm -f /run/netns && mkdir -p /run/netns']);
  kit.must(['ip', '-batch', '-'], {
    input: [
      'link add brt type bridge', 'addr add 10.213.0.1/24 dev brt', 'link set brt up',
      'netns add ctr', 'link add vt0 type veth peer name eth0 netns ctr', 'link set vt0 master brt', 'link set vt0 up',
    ].join('\n'),
  });
  kit.must(['ip', '-n', 'ctr', '-batch', '-'], { input: [`addr add ${CONTAINER_IP}/24 dev eth0`, 'link set eth0 up', 'link set lo up'].join('\n') });
  kit.must(['sh', '-c', 'mkdir -p /tmp/www && echo served-from-the-namespace > /tmp/www/index.html']);
  kit.background(['ip', 'netns', 'exec', 'ctr', '/bin/busybox', 'httpd', '-f', '-p', `${CONTAINER_IP}:80`, '-h', '/tmp/www']);
  await until('httpd to listen in the container namespace', () => / 0A /.test(kit.run(['ip', 'netns', 'exec', 'ctr', 'cat', '/proc/net/tcp']).stdout));
});

after(() => kit?.remove());

function portMap(hostPort: number, hostIp = '127.0.0.1'): PortMap {
  return { proto: 'tcp', hostIp, hostPort, containerIp: CONTAINER_IP, containerPort: 80, bridge: 'brt' };
}

async function freeHostPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  return port;
}

test('a published port answers on the host\'s 127.0.0.1 and stops when unpublished', { skip }, async () => {
  const port = await freeHostPort();
  records.set('c1', [portMap(port)]);
  await ports.publish('c1', records.get('c1')!);
  assert.equal((await getLocal(port)).trim(), 'served-from-the-namespace');
  assert.deepEqual((await api.ports()).map((p) => p.spec), [{ proto: 'tcp', parentIP: '127.0.0.1', parentPort: port, childIP: CONTAINER_IP, childPort: 80 }]);
  // A restarted berthd publishing the same again keeps the listener.
  const id = (await api.ports())[0]!.id;
  await ports.publish('c1', records.get('c1')!);
  assert.deepEqual((await api.ports()).map((p) => p.id), [id]);
  await ports.unpublish('c1');
  records.delete('c1');
  assert.deepEqual(await api.ports(), []);
  assert.equal(await getLocal(port), 'error ECONNREFUSED');
});

test('a listener no record explains is removed at the next publish', { skip }, async () => {
  const stale = await api.addPort({ proto: 'tcp', parentIP: '127.0.0.1', parentPort: await freeHostPort(), childIP: CONTAINER_IP, childPort: 80 });
  const port = await freeHostPort();
  records.set('c2', [portMap(port)]);
  await ports.publish('c2', records.get('c2')!);
  assert.deepEqual((await api.ports()).map((p) => p.spec.parentPort), [port]);
  assert.ok(!(await api.ports()).some((p) => p.id === stale.id));
  await ports.unpublish('c2');
  records.delete('c2');
});

test('a host port taken by a host process is a conflict, found before and at the bind', { skip }, async () => {
  const holder = createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const { port } = holder.address() as AddressInfo;
  try {
    const check = new RootlessHostPorts({ netDir: () => parentNetDir(kit.childPid) });
    await assert.rejects(check.checkFree('127.0.0.1', port, 'tcp'), { kind: 'conflict', message: `Bind for 127.0.0.1:${port} failed: port is already in use` });
    await assert.rejects(check.checkFree('', port, 'tcp'), { kind: 'conflict' });
    const picked = await check.pickFree('127.0.0.1', 'tcp', new Set());
    assert.notEqual(picked, port);
    records.set('c3', [portMap(port)]);
    await assert.rejects(ports.publish('c3', records.get('c3')!), { kind: 'conflict', message: `Bind for 127.0.0.1:${port} failed: port is already in use` });
  } finally {
    records.delete('c3');
    holder.close();
  }
});

test('a port below the host\'s ip_unprivileged_port_start is refused saying how to allow it', { skip }, async () => {
  const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  // This machine's setting decides which answer is right; the default (1024) refuses port 81.
  records.set('c4', [portMap(81)]);
  try {
    if (start > 81) {
      await assert.rejects(ports.publish('c4', records.get('c4')!), {
        kind: 'forbidden',
        message: new RegExp(`cannot publish port 81: .*ports below ${start} .*sysctl -w net.ipv4.ip_unprivileged_port_start=81`),
      });
      assert.deepEqual(await api.ports(), []);
    } else {
      await ports.publish('c4', records.get('c4')!);
      await ports.unpublish('c4');
    }
  } finally {
    records.delete('c4');
  }
});

test('sctp cannot be published rootless', { skip }, async () => {
  await assert.rejects(ports.publish('c5', [{ ...portMap(9), proto: 'sctp' }]), { kind: 'not-implemented', message: /sctp/ });
});
