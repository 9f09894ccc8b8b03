// A rootless berthd's networking end to end (issue 15), with the real docker CLI run as an
// ordinary user the test makes: a port published on the host's 127.0.0.1 (through rootlesskit's
// port driver, listening as the user) answers and goes when the container stops; `docker port`
// and inspect show the host's side; a random host port; a user network whose containers resolve
// each other by name; a port below the host's net.ipv4.ip_unprivileged_port_start refused with
// what to do about it; and a container's outbound traffic through slirp4netns, to a server in a
// network namespace the test makes (never an outside address).
// The daemon keeps its default bridge: it lives in the user's own network namespace, so several
// test daemons cannot meet on it (the reason other tests start theirs with --bridge none); the
// test checks that the host never sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { requires } from '../testing/requires.ts';
import { RUNS_ROOTLESS } from '../testing/rootless-user.ts';
import type { RootlessUser } from '../testing/rootless-user.ts';
import { useRootlessUser } from '../testing/rootless-fixture.ts';
import type { RootlessBerthd } from '../testing/rootless-berthd.ts';
import { getLocal } from '../testing/http-get.ts';
import { until } from '../testing/until.ts';
import { RootlessKitApi } from '../network/rootless/port-api.ts';
import { firewallTable } from '../daemon/networks/network-kernel.ts';
import { which } from '../lib/which.ts';
import { freePort } from '../testing/free-port.ts';

const skip = requires(...RUNS_ROOTLESS, 'ip');
const BRIDGE = `brl${randomBytes(3).toString('hex')}`;
let u: RootlessUser;
let d: RootlessBerthd;

useRootlessUser({ skip, args: ['--bridge', BRIDGE], ready: (user, daemon) => ((u = user), (d = daemon)) });

const ok = (args: string[]): Promise<string> => u.dockerOk(args, () => d.log);

const api = () => new RootlessKitApi(join(u.runtimeDir, 'berth', 'rootlesskit', 'api.sock'));

/** busybox httpd serving `text` on port 80. */
const httpd = (text: string) => ['busybox', 'sh', '-c', `echo ${text} > /tmp/index.html && exec httpd -f -p 80 -h /tmp`];

test('the default bridge and the nft table are inside the user\'s namespace, not on the host', { skip }, async () => {
  const name = (await ok(['network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.name"}}', 'bridge'])).trim();
  assert.equal(name, BRIDGE);
  const table = firewallTable(join(u.home, '.local', 'share', 'berth'));
  const child = readFileSync(join(u.runtimeDir, 'berth', 'rootlesskit', 'child_pid'), 'utf8').trim();
  const inside = (cmd: string[]) => u.run('nsenter', ['--user', '--mount', '--net', '--preserve-credentials', '-t', child, '--', ...cmd]);
  assert.match((await inside(['cat', '/proc/net/dev'])).stdout, new RegExp(`^\\s*${BRIDGE}:`, 'm'));
  // By its path: the user's PATH (the harness gives a login's) has no sbin.
  const listed = await inside([which('nft'), 'list', 'tables']);
  assert.match(listed.stdout, new RegExp(`^table inet ${table}$`, 'm'), listed.stderr);
  assert.ok(!readFileSync('/proc/net/dev', 'utf8').includes(`${BRIDGE}:`), 'the host has no such bridge');
  assert.ok(!spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout.includes(table), 'the host has no such table');
});

test('docker run -p 127.0.0.1:<port>:80 answers on the host, as the user, until the container stops', { skip }, async () => {
  const port = await freePort();
  const id = (await ok(['run', '-d', '-p', `127.0.0.1:${port}:80`, ...httpd('rootless-served')])).trim();
  await until('the published port to answer', async () => (await getLocal(port)).trim() === 'rootless-served', { timeoutMs: 20_000, stepMs: 200 });
  assert.equal((await ok(['port', id])).trim(), `80/tcp -> 127.0.0.1:${port}`);
  assert.deepEqual(JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Ports}}', id])), { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
  // The host's listener is a socket of the user's (rootlesskit's parent), not root's.
  const listener = hostListener(port);
  assert.equal(listener?.uid, u.uid);
  await ok(['stop', '-t', '1', id]);
  assert.equal(await getLocal(port), 'error ECONNREFUSED');
  assert.deepEqual(await api().ports(), []);
  await ok(['rm', id]);
});

test('a random host port on every address (-p 80) is published and shown', { skip }, async () => {
  const id = (await ok(['run', '-d', '-p', '80', ...httpd('random-port')])).trim();
  const line = (await ok(['port', id, '80/tcp'])).trim();
  const port = Number(/^0\.0\.0\.0:(\d+)$/.exec(line)?.[1]);
  assert.ok(port > 0, line);
  await until('the random port to answer', async () => (await getLocal(port)).trim() === 'random-port', { timeoutMs: 20_000, stepMs: 200 });
  await ok(['rm', '-f', id]);
  assert.equal(await getLocal(port), 'error ECONNREFUSED');
});

test('a published port answers while berthd is down, and the restarted berthd keeps it until the container stops', { skip }, async () => {
  const port = await freePort();
  await ok(['run', '-d', '--name', 'survivor', '-p', `127.0.0.1:${port}:80`, ...httpd('still-here')]);
  await until('the published port to answer', async () => (await getLocal(port)).trim() === 'still-here', { timeoutMs: 20_000, stepMs: 200 });
  const [before] = await api().ports();
  await d.kill();
  assert.equal((await getLocal(port)).trim(), 'still-here', 'rootlesskit forwards with berthd down');
  d = await u.startBerthd(['--bridge', BRIDGE]);
  assert.deepEqual(await api().ports(), [before], 'the restarted berthd adopted the listener as it was');
  assert.equal((await getLocal(port)).trim(), 'still-here');
  await ok(['rm', '-f', 'survivor']);
  assert.equal(await getLocal(port), 'error ECONNREFUSED');
  assert.deepEqual(await api().ports(), []);
});

test('two containers on a user network resolve each other by name', { skip }, async () => {
  await ok(['network', 'create', 'rlnet']);
  await ok(['run', '-d', '--network', 'rlnet', '--name', 'rlsrv', ...httpd('found-by-name')]);
  const got = await ok(['run', '--rm', '--network', 'rlnet', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://rlsrv/ && exit 0; sleep 0.3; done; exit 1']);
  assert.equal(got.trim(), 'found-by-name');
  await ok(['rm', '-f', 'rlsrv']);
  await ok(['network', 'rm', 'rlnet']);
});

test('a port below net.ipv4.ip_unprivileged_port_start is refused, saying how to allow it', { skip }, async () => {
  const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  const r = await u.docker(['run', '-d', '--name', 'low', '-p', '127.0.0.1:81:80', ...httpd('low')]);
  if (start > 81) {
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot publish port 81: .*net\.ipv4\.ip_unprivileged_port_start.*sysctl -w net\.ipv4\.ip_unprivileged_port_start=81/);
    assert.deepEqual(await api().ports(), []);
  } else {
    assert.equal(r.code, 0, r.stderr); // the host allows it: so does berthd
  }
  await ok(['rm', '-f', 'low']);
});

test('a container reaches a server outside the namespace through slirp4netns', { skip }, async () => {
  await using lab = await serverNamespace('reached-through-slirp');
  const got = await ok(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${lab.ip}/`]);
  assert.equal(got.trim(), 'reached-through-slirp');
});

/** The host's listening tcp socket on 127.0.0.1:port, with the uid that owns it. */
function hostListener(port: number): { uid: number } | undefined {
  const line = readFileSync('/proc/net/tcp', 'utf8').split('\n').find((l) => {
    const f = l.trim().split(/\s+/);
    return f[3] === '0A' && f[1] === `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  });
  return line ? { uid: Number(line.trim().split(/\s+/)[7]) } : undefined;
}

/** A /30 of 10.200-249.x.x that no host route covers or falls inside (the default aside). */
function clearSubnet(): string {
  const num = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const routes = (JSON.parse(spawnSync('ip', ['-j', '-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout || '[]') as { dst: string }[])
    .filter((r) => r.dst !== 'default' && /^\d/.test(r.dst))
    .map((r) => {
      const [addr, len = '32'] = r.dst.split('/');
      const size = 2 ** (32 - Number(len));
      const lo = Math.floor(num(addr!) / size) * size;
      return [lo, lo + size - 1] as const;
    });
  for (let i = 0; i < 200; i++) {
    const base = `10.${randomInt(200, 250)}.${randomInt(0, 256)}.${randomInt(0, 64) * 4}`;
    const lo = num(base);
    if (routes.every(([a, b]) => b < lo || a > lo + 3)) return base;
  }
  throw new Error('no free /30 in 10.200.0.0-10.249.255.255 on this host');
}

/** A network namespace the test makes on the host, joined by a veth pair (/30 of 10.x chosen
 *  clear of the host's routes), with busybox httpd on its end: an address that is no one
 *  else's, so the container's traffic leaves the user's namespace and goes nowhere outside. */
async function serverNamespace(text: string): Promise<{ ip: string; [Symbol.asyncDispose](): Promise<void> }> {
  const tag = randomBytes(3).toString('hex');
  const ns = `brlo${tag}`;
  const host = `vo${tag}`;
  const base = clearSubnet();
  const [a, b, c, dd] = base.split('.').map(Number) as [number, number, number, number];
  const hostIp = `${a}.${b}.${c}.${dd + 1}`;
  const ip = `${a}.${b}.${c}.${dd + 2}`;
  const dir = mkdtempSync(join(tmpdir(), 'berth-slirp-lab-'));
  writeFileSync(join(dir, 'index.html'), `${text}\n`);
  const ipb = (args: string[], lines: string[]) => {
    const r = spawnSync('ip', [...args, '-batch', '-'], { input: lines.join('\n'), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')} -batch: ${r.stderr}`);
  };
  let server: ChildProcess | undefined;
  const undo = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await once(server, 'exit');
    }
    spawnSync('ip', ['netns', 'delete', ns]); // takes the veth pair along
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ipb([], [`netns add ${ns}`, `link add ${host} type veth peer name eth0 netns ${ns}`, `addr add ${hostIp}/30 dev ${host}`, `link set ${host} up`]);
    ipb(['-n', ns], [`addr add ${ip}/30 dev eth0`, 'link set eth0 up', 'link set lo up']);
    server = spawn('ip', ['netns', 'exec', ns, '/bin/busybox', 'httpd', '-f', '-p', `${ip}:80`, '-h', dir], { stdio: 'ignore' });
    await until('the lab server to listen', () => / 0A /.test(spawnSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/tcp'], { encoding: 'utf8' }).stdout));
  } catch (err) {
    await undo();
    throw err;
  }
  return { ip, [Symbol.asyncDispose]: undo };
}
