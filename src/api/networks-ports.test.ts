// Published ports and the network's life of a container with the real docker CLI: -P from
// EXPOSE, random host ports, ranges, a port a host process holds (the error names it), two
// containers asking for one port; inspect's NetworkSettings per API version and network
// inspect; addresses kept across restarts, ports and the embedded DNS across a berthd restart
// (live-restore); and nothing of the container left in the kernel after rm -f and network rm.
// Traffic goes to 127.0.0.1 and into the test's own containers' namespaces only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { Berthd } from '../testing/berthd-harness.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { networkHarness, networkNames, kernelObjects, removeKernelObjects } from '../testing/network-harness.ts';
import { firewallTable } from '../daemon/networks/network-kernel.ts';
import { run } from '../testing/run.ts';
import { until } from '../testing/until.ts';
import { getLocal as get } from '../testing/http-get.ts';
import { freePort } from '../testing/free-port.ts';

const skip = requires('docker', 'ip', 'nft', ...RUNS_CONTAINERS);
const names = networkNames();
const harness = networkHarness(names, { args: ['--live-restore'] });
const f = useBusyboxDaemon({ skip, harness });
const docker = f.docker;
after(() => removeKernelObjects(names));

const HTTPD = ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www'];

async function ok(args: string[]): Promise<string> {
  const r = await docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}


const api = async (version: string, path: string) => JSON.parse((await run('curl', ['-sf', '--unix-socket', f.d.socket, `http://d/v${version}${path}`])).stdout);
const nftRules = () => spawnSync('nft', ['list', 'table', 'inet', firewallTable(join(f.d.dir, 'data'))], { encoding: 'utf8' }).stdout;

test('-P publishes EXPOSE on random host ports; a range takes its first free port; docker port; inspect per API version', { skip }, async () => {
  const tar = join(f.dir, 'rootfs.tar');
  await pipeline(busyboxRootfs(), createWriteStream(tar));
  await ok(['import', '-c', 'EXPOSE 80', '-c', 'EXPOSE 53/udp', '-c', 'CMD ["sh"]', tar, 'bbexp']);
  const id = (await ok(['run', '-d', '--name', 'pall', '-P', 'bbexp', ...HTTPD])).trim();
  const lines = (await ok(['port', 'pall'])).trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^53\/udp -> 0\.0\.0\.0:\d+$/);
  const web = Number(/^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(lines[1]!)?.[1]);
  const [lo, hi] = (await run('cat', ['/proc/sys/net/ipv4/ip_local_port_range'])).stdout.trim().split(/\s+/).map(Number);
  assert.ok(web >= lo! && web <= hi!, `${web} is in the ephemeral range`);
  await until('httpd answers on the random port', async () => (await get(web)) === `${id.slice(0, 12)}\n`);

  const base = 20000 + Math.floor(Math.random() * 9000);
  await ok(['run', '-d', '--name', 'r1', '-p', `127.0.0.1:${base}-${base + 10}:80`, '--expose', '81', 'busybox', ...HTTPD]);
  await ok(['run', '-d', '--name', 'r2', '-p', `127.0.0.1:${base}-${base + 10}:80`, 'busybox', ...HTTPD]);
  const p1 = Number((await ok(['port', 'r1', '80/tcp'])).trim().split(':')[1]);
  const p2 = Number((await ok(['port', 'r2', '80'])).trim().split(':')[1]);
  assert.ok(p1 >= base && p2 <= base + 10 && p1 !== p2, `${p1} and ${p2} within ${base}-${base + 10}`);
  const no81 = await docker(['port', 'r1', '81']);
  assert.deepEqual([no81.code, no81.stderr.trim()], [1, "Error: No public port '81' published for r1"]);

  // The docker CLI's templates, and the shapes before and from API 1.44.
  const ip = (await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'r1'])).trim();
  const nets = JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'r1']));
  assert.equal(nets.bridge.IPAddress, ip);
  assert.equal(nets.bridge.Gateway, names.bip.split('/')[0]);
  const old = (await api('1.41', '/containers/r1/json')).NetworkSettings;
  assert.deepEqual(old.Ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(p1) }], '81/tcp': null });
  assert.deepEqual(Object.keys(old.Networks.bridge), ['IPAMConfig', 'Links', 'Aliases', 'NetworkID', 'EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 'MacAddress', 'DriverOpts']);
  assert.equal((await api('1.44', '/containers/r1/json')).NetworkSettings.Networks.bridge.DNSNames, null);
  assert.deepEqual([old.IPAddress, old.IPPrefixLen, old.MacAddress, old.SandboxKey], [ip, 24, nets.bridge.MacAddress, `/run/netns/berth-${(await ok(['inspect', '-f', '{{.Id}}', 'r1'])).trim().slice(0, 12)}`]);
  await ok(['rm', '-f', 'pall', 'r1', 'r2']);
  assert.match(await get(web), /^error ECONNREFUSED/);
});

test('a port held by a host process is refused naming it; two containers asking one port: the second is refused', { skip }, async () => {
  const holder = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  try {
    const r = await docker(['run', '-d', '--name', 'held', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`Error response from daemon: Bind for 127\\.0\\.0\\.1:${port} failed: port is already in use by process ${process.pid} \\(`));
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
  await ok(['rm', '-f', 'held']);
  const first = (await ok(['run', '-d', '--name', 'first', '-p', `127.0.0.1:${port}:80`, 'busybox', ...HTTPD])).trim();
  const second = await docker(['run', '-d', '--name', 'second', '-p', `${port}:80`, 'busybox', ...HTTPD]);
  assert.notEqual(second.code, 0);
  assert.match(second.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated to container ${first.slice(0, 12)}`));
  await until('the first one still serves', async () => (await get(port)) === `${first.slice(0, 12)}\n`);
  await ok(['rm', '-f', 'first', 'second']);
});

test('addresses survive restarts; ports and names survive a berthd restart; rm -f and network rm leave nothing', { skip }, async () => {
  await ok(['network', 'create', 'keepnet']);
  const port = await freePort();
  const id = (await ok(['run', '-d', '--name', 'kweb', '--network', 'keepnet', '-p', `127.0.0.1:${port}:80`, 'busybox', ...HTTPD])).trim();
  await ok(['run', '-d', '--name', 'kcli', '--network', 'keepnet', 'busybox', 'sleep', '300']);
  const addr = async (c: string) => (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.keepnet.IPAddress}}', c])).trim();
  const ip = await addr('kweb');
  const net = JSON.parse(await ok(['network', 'inspect', 'keepnet']))[0];
  assert.deepEqual(net.Containers[id], { Name: 'kweb', EndpointID: net.Containers[id].EndpointID, MacAddress: net.Containers[id].MacAddress, IPv4Address: `${ip}/24`, IPv6Address: '' });
  await ok(['stop', '-t', '0', 'kweb']);
  assert.deepEqual(Object.keys(JSON.parse(await ok(['network', 'inspect', 'keepnet']))[0].Containers), [(await ok(['inspect', '-f', '{{.Id}}', 'kcli'])).trim()], 'only running containers');
  await ok(['start', 'kweb']);
  assert.equal(await addr('kweb'), ip);
  await ok(['restart', '-t', '0', 'kweb']);
  assert.equal(await addr('kweb'), ip);
  await until('kweb serves', async () => (await get(port)) === `${id.slice(0, 12)}\n`);

  // While berthd is down and after it is back: the port serves and the name resolves (asked in
  // kcli's namespace, of the network's resolver on its gateway).
  const cli = (await ok(['inspect', '-f', '{{.Id}}', 'kcli'])).trim().slice(0, 12);
  const gw = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.keepnet.Gateway}}', 'kcli'])).trim();
  const lookup = () => spawnSync('ip', ['netns', 'exec', `berth-${cli}`, 'busybox', 'nslookup', 'kweb', gw], { encoding: 'utf8' }).stdout;
  await f.d.stop();
  assert.equal(await get(port), `${id.slice(0, 12)}\n`);
  assert.match(lookup(), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}\n`));
  f.d = await new Berthd({ ...harness, dir: f.d.dir }).start();
  assert.equal(await get(port), `${id.slice(0, 12)}\n`);
  assert.match(await ok(['exec', 'kcli', 'nslookup', 'kweb']), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}\n`));

  const netBridge = `br-${net.Id.slice(0, 12)}`;
  assert.match(nftRules(), new RegExp(`own_${id}`));
  await ok(['rm', '-f', 'kweb', 'kcli']);
  assert.doesNotMatch(nftRules(), new RegExp(`own_${id}`), 'no rule of the container is left');
  assert.ok(!existsSync(`/run/netns/berth-${id.slice(0, 12)}`) && !existsSync(`/run/netns/berth-${cli}`), 'the namespaces are gone');
  const links = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout) as { ifname: string; master?: string }[];
  assert.deepEqual(links.filter((l) => l.master === netBridge || l.master === names.bridge).map((l) => l.ifname), [], 'no veth on the bridges');
  await ok(['network', 'rm', 'keepnet']);
  assert.ok(!spawnSync('ip', ['link', 'show', netBridge]).stdout.length, `${netBridge} is gone`);
  assert.doesNotMatch(nftRules(), new RegExp(netBridge), 'no rule of the network is left');
  assert.deepEqual(kernelObjects(names).links, [names.bridge]);
});
