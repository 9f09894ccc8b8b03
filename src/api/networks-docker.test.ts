// The "done when", driven by the real docker CLI against a berthd with a default bridge
// of its own: a published port that serves — on the host's 127.0.0.1, and while berthd is
// stopped —, `ps` and the API's Ports, two containers on a user network reaching each other by
// name, and nothing of berth's left in the network stack after `rm -f` and `network rm`.
// All traffic goes to 127.0.0.1 or between the test's own containers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Berthd } from '../testing/berthd-harness.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { networkHarness, networkNames, kernelObjects, removeKernelObjects } from '../testing/network-harness.ts';
import { until } from '../testing/until.ts';
import { getLocal as get } from '../testing/http-get.ts';
import { run } from '../testing/run.ts';
import { freePort } from '../testing/free-port.ts';

const skip = requires('docker', 'ip', 'nft', ...RUNS_CONTAINERS);
const names = networkNames();
const f = useBusyboxDaemon({ skip, harness: networkHarness(names, { args: ['--live-restore'] }) });
const docker = f.docker;
after(() => removeKernelObjects(names));


const HTTPD = ['sh', '-c', 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'];

test('-p 127.0.0.1:PORT:80 serves at once, shows in ps and the API, and keeps serving while berthd is down', { skip }, async () => {
  const port = await freePort();
  const r = await docker(['run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, 'busybox', ...HTTPD]);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  await until('httpd answers through the published port', async () => (await get(port)).startsWith('hello from'));
  assert.equal(await get(port), `hello from ${id.slice(0, 12)}\n`);
  const ps = await docker(['ps', '--format', '{{.Names}} {{.Ports}}']);
  assert.equal(ps.stdout.trim(), `web 127.0.0.1:${port}->80/tcp`);
  // The seed's own check: curl on the socket, API 1.46.
  const curl = await run('curl', ['-sf', '--unix-socket', f.d.socket, 'http://d/v1.46/containers/json']);
  const first = JSON.parse(curl.stdout)[0];
  assert.deepEqual([first.Names, first.Image, first.Status.startsWith('Up ')], [['/web'], 'busybox', true]);
  assert.deepEqual(first.Ports, [{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: port, Type: 'tcp' }]);
  const portOut = await docker(['port', 'web']);
  assert.equal(portOut.stdout, `80/tcp -> 127.0.0.1:${port}\n`);
  const inspect = JSON.parse((await docker(['inspect', 'web'])).stdout)[0];
  assert.deepEqual(inspect.NetworkSettings.Ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
  assert.match(inspect.NetworkSettings.IPAddress, new RegExp(`^${names.subnet.split('.').slice(0, 3).join('\\.')}\\.`));
  assert.equal(inspect.NetworkSettings.Networks.bridge.IPAddress, inspect.NetworkSettings.IPAddress);

  // Live-restore: the rules are the kernel's, so the port serves while no berthd runs.
  await f.d.stop();
  assert.equal(await get(port), `hello from ${id.slice(0, 12)}\n`);
  f.d = await new Berthd({ ...networkHarness(names, { args: ['--live-restore'] }), dir: f.d.dir }).start();
  assert.equal(await get(port), `hello from ${id.slice(0, 12)}\n`);

  assert.equal((await docker(['rm', '-f', 'web'])).code, 0);
  assert.match(await get(port), /^error ECONNREFUSED/);
  assert.ok(!existsSync(`/run/netns/berth-${id.slice(0, 12)}`), 'the namespace is gone');
  assert.deepEqual(kernelObjects(names).links, [names.bridge], 'no veth is left on the bridge');
});

test('two containers on a user network reach each other by name and alias; network rm leaves nothing', { skip }, async () => {
  assert.equal((await docker(['network', 'create', 'appnet'])).code, 0);
  const a = await docker(['run', '-d', '--name', 'srv', '--network', 'appnet', '--network-alias', 'api', '--hostname', 'www', 'busybox', ...HTTPD]);
  assert.equal(a.code, 0, a.stderr);
  const byName = await docker(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://srv/']);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byName.stdout, 'hello from www\n');
  const byAlias = await docker(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://api/']);
  assert.equal(byAlias.stdout, byName.stdout);
  // Its hostname is one of its names there too, last of its DNSNames, as dockerd's.
  const byHostname = await docker(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://www/']);
  assert.equal(byHostname.stdout, byName.stdout, byHostname.stderr);
  const dnsNames = (await docker(['inspect', '-f', '{{json .NetworkSettings.Networks.appnet.DNSNames}}', 'srv'])).stdout.trim();
  assert.equal(dnsNames, JSON.stringify(['srv', 'api', a.stdout.trim().slice(0, 12), 'www']));
  // The default bridge has no names: only user networks resolve containers. (Its own loopback as
  // the nameserver: the lookup that fails must not leave for the host's resolver.)
  const other = await docker(['run', '--rm', '--dns', '127.0.0.1', 'busybox', 'wget', '-T', '2', '-qO-', 'http://srv/']);
  assert.notEqual(other.code, 0);
  const inUse = await docker(['network', 'rm', 'appnet']);
  assert.notEqual(inUse.code, 0);
  assert.match(inUse.stderr, /has active endpoints/);
  assert.equal((await docker(['rm', '-f', 'srv'])).code, 0);
  // As dockerd: a stopped container does not hold a network; its start then fails.
  assert.equal((await docker(['network', 'create', 'gone'])).code, 0);
  assert.equal((await docker(['create', '--name', 'stranded', '--network', 'gone', 'busybox', 'true'])).code, 0);
  assert.equal((await docker(['network', 'rm', 'gone'])).code, 0);
  const stranded = await docker(['start', 'stranded']);
  assert.notEqual(stranded.code, 0);
  assert.match(stranded.stderr, /network gone not found/);
  assert.equal((await docker(['rm', 'stranded'])).code, 0);
  const bridge = JSON.parse((await docker(['network', 'inspect', 'appnet'])).stdout)[0].Options['com.docker.network.bridge.name'] as string | undefined;
  assert.equal((await docker(['network', 'rm', 'appnet'])).code, 0);
  const links = JSON.parse((await import('node:child_process')).spawnSync('ip', ['-j', 'link'], { encoding: 'utf8' }).stdout) as { ifname: string }[];
  if (bridge) assert.ok(!links.some((l) => l.ifname === bridge), `bridge ${bridge} is gone`);
});

test("a named volume's data survives its container and a berthd restart", { skip }, async () => {
  assert.equal((await docker(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).code, 0);
  await f.d.stop();
  f.d = await new Berthd({ ...networkHarness(names, { args: ['--live-restore'] }), dir: f.d.dir }).start();
  const r = await docker(['run', '--rm', '-v', 'keep:/data', 'busybox', 'cat', '/data/f']);
  assert.deepEqual([r.code, r.stdout], [0, 'kept\n']);
  assert.equal((await docker(['volume', 'rm', 'keep'])).code, 0);
});
