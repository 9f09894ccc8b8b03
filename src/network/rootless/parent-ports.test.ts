// The host's side of a rootless berthd's published ports, against a real rootlesskit run by a
// user the test makes: a "container" (a namespace on a bridge inside rootlesskit's namespace,
// serving with busybox httpd) is reached from the host's 127.0.0.1 through the listener
// ParentPorts asks rootlesskit for, and not any more once unpublished. Traffic goes to
// 127.0.0.1 and into the namespaces the test made only.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { requires } from '../../testing/requires.ts';
import { until, within } from '../../testing/until.ts';
import { createSocket } from 'node:dgram';
import { getLocal } from '../../testing/http-get.ts';
import { RootlessUser, RUNS_ROOTLESS } from '../../testing/rootless-user.ts';
import { holderArgs } from '../../rootless/holder-args.ts';
import { ParentPorts, type PortRecords } from './parent-ports.ts';
import { RootlessKitApi } from './port-api.ts';
import { RootlessHostPorts, parentNetDir } from './host-ports.ts';
import type { PortMap } from '../firewall.ts';
import { freePort } from '../../testing/free-port.ts';

const skip = requires(...RUNS_ROOTLESS, 'ip');
const CONTAINER_IP = '10.213.0.2';

let u: RootlessUser;
let stateDir: string;
let childPid: number;
let api: RootlessKitApi;
const records = new Map<string, PortMap[]>();
const store: PortRecords = { of: (o) => records.get(o) ?? [], all: () => [...records.values()].flat() };
let ports: ParentPorts;

/** As the user, inside the holder's namespaces (uid 0 there), as berthd runs. */
async function inside(cmd: string[], input?: string): Promise<string> {
  const r = await u.run('nsenter', ['--user', '--mount', '--net', '--preserve-credentials', '-t', String(childPid), '--', ...cmd], { ...(input !== undefined && { input }) });
  assert.equal(r.code, 0, `${cmd.join(' ')} (in the namespace): ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (skip) return;
  u = await RootlessUser.create();
  // The holder as berth's launcher makes it (src/rootless/holder.ts), without a berthd.
  stateDir = join(u.runtimeDir, 'berth', 'rootlesskit');
  const kit = ['rootlesskit', ...holderArgs(stateDir, {})].map((a) => `'${a}'`).join(' ');
  const started = await u.run('sh', ['-c', `mkdir -p ${join(u.runtimeDir, 'berth')} && exec setsid -f ${kit} >${join(u.runtimeDir, 'berth', 'holder.log')} 2>&1 </dev/null`]);
  assert.equal(started.code, 0, started.stderr);
  await until('rootlesskit to be ready', () => existsSync(join(stateDir, 'api.sock')) && existsSync(join(stateDir, 'child_pid')), { timeoutMs: 20_000 });
  childPid = Number(readFileSync(join(stateDir, 'child_pid'), 'utf8'));
  api = new RootlessKitApi(join(stateDir, 'api.sock'));
  ports = new ParentPorts({ api, records: store, inner: undefined, prepare: async () => undefined, driver: async () => (await api.info()).portDriver?.driver });
  // A bridge and a "container" namespace on it, as berth makes them, inside the holder (and
  // /run/netns the namespace's own, as berthd makes it: rootless-network.ts, ownRunEntries).
  await inside(['sh', '-c', 'if [ -L /run/netns ]; then rm /run/netns; fi; mkdir -p /run/netns']);
  await inside(['ip', '-batch', '-'], [
    'link add brt type bridge', 'addr add 10.213.0.1/24 dev brt', 'link set brt up',
    'netns add ctr', 'link add vt0 type veth peer name eth0 netns ctr', 'link set vt0 master brt', 'link set vt0 up',
  ].join('\n'));
  await inside(['ip', '-n', 'ctr', '-batch', '-'], [`addr add ${CONTAINER_IP}/24 dev eth0`, 'link set eth0 up', 'link set lo up'].join('\n'));
  await inside(['sh', '-c', `mkdir -p ${u.home}/www && echo served-from-the-namespace > ${u.home}/www/index.html`]);
  const httpd = ['ip', 'netns', 'exec', 'ctr', '/bin/busybox', 'httpd', '-p', `${CONTAINER_IP}:80`, '-h', `${u.home}/www`]; // (no -f: it daemonizes)
  await inside(httpd);
  await until('httpd to listen in the container namespace', async () => / 0A /.test(await inside(['ip', 'netns', 'exec', 'ctr', 'cat', '/proc/net/tcp'])));
});

after(async () => {
  if (skip || !u) return;
  await u.remove();
  assert.deepEqual(u.leftovers(), [], 'nothing of the test user is left');
});

function portMap(hostPort: number, hostIp = '127.0.0.1'): PortMap {
  return { proto: 'tcp', hostIp, hostPort, containerIp: CONTAINER_IP, containerPort: 80, bridge: 'brt' };
}

test('a published port answers on the host\'s 127.0.0.1 and stops when unpublished', { skip }, async () => {
  const port = await freePort();
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
  const stale = await api.addPort({ proto: 'tcp', parentIP: '127.0.0.1', parentPort: await freePort(), childIP: CONTAINER_IP, childPort: 80 });
  const port = await freePort();
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
    const check = new RootlessHostPorts({ netDir: () => parentNetDir(childPid) });
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

test('a udp port is published too: a datagram to the host\'s 127.0.0.1 comes back from the container', { skip }, async () => {
  const echo = `require('node:dgram').createSocket('udp4').on('message', function (m, r) { this.send(m, r.port, r.address); }).bind(5353, '${CONTAINER_IP}')`;
  await inside(['sh', '-c', `ip netns exec ctr ${process.execPath} -e "${echo}" </dev/null >/dev/null 2>&1 &`]);
  await until('the udp echo to bind', async () => /:14E9 /.test(await inside(['ip', 'netns', 'exec', 'ctr', 'cat', '/proc/net/udp'])));
  const port = await freePort();
  records.set('c6', [{ ...portMap(port), proto: 'udp', containerPort: 5353 }]);
  await ports.publish('c6', records.get('c6')!);
  const socket = createSocket('udp4');
  try {
    const reply = once(socket, 'message');
    socket.send('over-udp', port, '127.0.0.1');
    const [msg] = await within('the echo from the container', reply);
    assert.equal(String(msg), 'over-udp');
  } finally {
    socket.close();
    await ports.unpublish('c6');
    records.delete('c6');
  }
  assert.deepEqual(await api.ports(), []);
});

test('sctp cannot be published rootless', { skip }, async () => {
  await assert.rejects(ports.publish('c5', [{ ...portMap(9), proto: 'sctp' }]), { kind: 'not-implemented', message: /sctp/ });
});
