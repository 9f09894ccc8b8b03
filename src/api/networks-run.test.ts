// A container's network as the real docker CLI asks for it, each case checked against what
// Debian's dockerd 20.10 shows for the same command (texts, files): the modes host, none and
// container:<x>, the per-container options (--ip, --mac-address, --dns*, --add-host with
// host-gateway, --hostname, --domainname, --network-alias) and legacy links on the default
// bridge. Traffic stays between the test's own containers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { networkHarness, networkNames, removeKernelObjects } from '../testing/network-harness.ts';
import { run } from '../testing/run.ts';

const skip = requires('docker', 'ip', 'nft', ...RUNS_CONTAINERS);
const names = networkNames();
const f = useBusyboxDaemon({ skip, harness: networkHarness(names) });
const docker = f.docker;
after(() => removeKernelObjects(names));

const HEAD = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';
const bridgeGateway = names.bip.split('/')[0]!;
/** A subnet of the test's pool that automatic allocation does not reach first. */
const userSubnet = names.poolBase.replace(/\.0\.0\/16$/, '.200.0/24');
const userIp = (last: number) => userSubnet.replace(/\.0\/24$/, `.${last}`);

async function ok(args: string[]): Promise<string> {
  const r = await docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function refused(args: string[], message: string): Promise<void> {
  const r = await docker(args);
  assert.notEqual(r.code, 0, `docker ${args.join(' ')} succeeded`);
  assert.match(r.stderr, new RegExp(`Error response from daemon: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
}

test('--network host: the host hostname, hosts and resolv.conf; none: loopback only and a hosts file of its own', { skip }, async () => {
  const host = await ok(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'hostname; cat /etc/hosts; echo @@; cat /etc/resolv.conf']);
  assert.equal(host, `${hostname()}\n${readFileSync('/etc/hosts', 'utf8')}@@\n${readFileSync('/etc/resolv.conf', 'utf8')}`);
  const none = await ok(['run', '--rm', '--network', 'none', '--add-host', 'a:10.1.2.3', 'busybox', 'sh', '-c', 'hostname; cat /etc/hosts; ip -o link | cut -d: -f2']);
  const [id12, ...rest] = none.split('\n');
  assert.match(id12!, /^[0-9a-f]{12}$/);
  assert.equal(rest.join('\n'), `${HEAD}10.1.2.3\ta\n lo\n`);
  // Ports have no meaning without an address of its own: dockerd warns, and shows none.
  const hp = await docker(['run', '-d', '--name', 'hostports', '--network', 'host', '-p', '80', 'busybox', 'sleep', '300']);
  assert.equal(hp.code, 0, hp.stderr);
  assert.match(hp.stderr, /WARNING: Published ports are discarded when using host network mode/);
  await ok(['run', '-d', '--name', 'noneports', '--network', 'none', '-p', '80', '--expose', '81', 'busybox', 'sleep', '300']);
  for (const c of ['hostports', 'noneports']) assert.equal((await ok(['inspect', '-f', '{{json .NetworkSettings.Ports}}', c])).trim(), '{}');
  assert.equal(await ok(['ps', '-f', 'name=ports', '--format', '{{.Names}}:{{.Ports}}']), 'noneports:\nhostports:\n');
  await ok(['rm', '-f', 'hostports', 'noneports']);
  await refused(['run', '--rm', '--network', 'host', '--link', 'x:y', 'busybox', 'true'], "conflicting options: host type networking can't be used with links. This would result in undefined behavior");
});

test('--network container:<x> shares x namespace, hostname and files; refused while x is not running and with options of its own', { skip }, async () => {
  await ok(['run', '-d', '--name', 'owner', '--hostname', 'ownerhost', '--domainname', 'ex.org', 'busybox', 'sleep', '300']);
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'owner'])).trim();
  const joined = await ok(['run', '--rm', '--network', 'container:owner', 'busybox', 'sh', '-c', 'hostname; hostname -f; tail -1 /etc/hosts; ip -o -4 addr show eth0 | tr -s " " | cut -d" " -f4']);
  const ip = (await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'owner'])).trim();
  assert.equal(joined, `ownerhost\nownerhost.ex.org\n${ip}\townerhost.ex.org ownerhost\n${ip}/24\n`);
  // Stored by id, as dockerd: a rename of the owner changes nothing.
  await ok(['create', '--name', 'sharer', '--network', 'container:owner', 'busybox', 'true']);
  assert.equal((await ok(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'sharer'])).trim(), `container:${id}`);
  const paths = '{{.HostsPath}} {{.ResolvConfPath}} {{.HostnamePath}}';
  await ok(['start', 'sharer']);
  assert.equal(await ok(['inspect', '-f', paths, 'sharer']), await ok(['inspect', '-f', paths, 'owner']));
  for (const [flag, text] of [
    [['--hostname', 'x'], 'conflicting options: hostname and the network mode'],
    [['-p', '80'], 'conflicting options: port publishing and the container type network mode'],
    [['--expose', '80'], 'conflicting options: port exposing and the container type network mode'],
    [['--dns', '10.1.1.1'], 'conflicting options: dns and the network mode'],
    [['--add-host', 'a:10.1.1.1'], 'conflicting options: custom host-to-IP mapping and the network mode'],
    [['--link', 'owner:o'], "conflicting options: container type network can't be used with links. This would result in undefined behavior"],
  ] as const) await refused(['run', '--rm', '--network', 'container:owner', ...flag, 'busybox', 'true'], text);
  await refused(['run', '--rm', '--network', 'container:', 'busybox', 'true'], 'Invalid network mode: invalid container format container:<name|id>');
  await refused(['run', '--rm', '--network', 'container:nosuch', 'busybox', 'true'], 'No such container: nosuch');
  await ok(['stop', '-t', '0', 'owner']);
  await refused(['start', 'sharer'], `cannot join network of a non running container: ${id}`);
  await ok(['rm', '-f', 'sharer', 'owner']);
});

test('--ip, --mac-address, --dns*, --add-host host-gateway, --hostname, --domainname, --network-alias as the container sees them', { skip }, async () => {
  await ok(['network', 'create', '--subnet', userSubnet, 'optnet']);
  const gw = userIp(1);
  const out = await ok([
    'run', '--rm', '--network', 'optnet', '--ip', userIp(77), '--mac-address', '02:42:0a:00:00:99', '--dns', '10.9.9.9', '--dns-search', 'ex.org',
    '--dns-option', 'ndots:3', '--add-host', 'hg:host-gateway', '--add-host', 'foo:1.2.3.4', '--hostname', 'hh', '--domainname', 'dd.org', '--network-alias', 'al1',
    'busybox', 'sh', '-c', 'hostname; cat /etc/hostname /etc/hosts; echo @@; cat /etc/resolv.conf; echo @@; cat /sys/class/net/eth0/address; ip -o -4 addr show eth0 | tr -s " " | cut -d" " -f4',
  ]);
  // The embedded DNS answers on the network's gateway (berth's choice, docs/architecture.md);
  // dockerd writes 127.0.0.11 there. The rest is dockerd's text.
  assert.equal(out, [
    'hh', 'hh', `${HEAD}${bridgeGateway}\thg\n1.2.3.4\tfoo\n${userIp(77)}\thh.dd.org hh\n@@`,
    `search ex.org\nnameserver ${gw}\noptions ndots:3\n@@`, '02:42:0a:00:00:99', `${userIp(77)}/24`, '',
  ].join('\n'));
  // On the default bridge: dockerd's refusals, and the options as written there.
  await refused(['run', '--rm', '--ip', userIp(78), 'busybox', 'true'], 'user specified IP address is supported on user defined networks only');
  const def = await ok(['run', '--rm', '--dns', '10.9.9.9', '--dns-search', 'ex.org', '--dns-option', 'ndots:3', '--add-host', 'hg:host-gateway', 'busybox', 'cat', '/etc/resolv.conf', '/etc/hosts']);
  assert.match(def, new RegExp(`^search ex.org\nnameserver 10.9.9.9\noptions ndots:3\n${HEAD.replace(/\./g, '\\.')}${bridgeGateway.replace(/\./g, '\\.')}\thg\n`));
  // The alias resolves for the network's other containers.
  await ok(['run', '-d', '--name', 'aliased', '--network', 'optnet', '--network-alias', 'al2', 'busybox', 'sleep', '300']);
  const looked = await ok(['run', '--rm', '--network', 'optnet', 'busybox', 'nslookup', 'al2']);
  const aliasedIp = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.optnet.IPAddress}}', 'aliased'])).trim();
  assert.match(looked, new RegExp(`Address: ${aliasedIp.replace(/\./g, '\\.')}\n`));
  // A link on a user network is a name for the linking container (its endpoint's Links).
  const linked = await ok(['run', '--rm', '--name', 'linker', '--network', 'optnet', '--link', 'aliased:lnk', 'busybox', 'nslookup', 'lnk']);
  assert.match(linked, new RegExp(`Address: ${aliasedIp.replace(/\./g, '\\.')}\n`));
  await ok(['rm', '-f', 'aliased']);
  await ok(['network', 'rm', 'optnet']);
});

test('--link name:alias on the default bridge: hosts lines, environment, refused for a stopped target, rm --link', { skip }, async () => {
  await ok(['run', '-d', '--name', 'srv', '-e', 'FOO=bar', '-e', 'X=a b', '--expose', '80', '--expose', '53/udp', 'busybox', 'sleep', '300']);
  const ip = (await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'srv'])).trim();
  const id12 = (await ok(['inspect', '-f', '{{.Id}}', 'srv'])).trim().slice(0, 12);
  const out = await ok(['run', '--rm', '--name', 'cli', '--link', 'srv', '--link', 'srv:db', 'busybox', 'sh', '-c', 'sed -n 7,8p /etc/hosts; env | grep ^DB_ | sort']);
  assert.equal(out, [
    `${ip}\tsrv ${id12}`, `${ip}\tdb ${id12} srv`,
    'DB_ENV_FOO=bar', 'DB_ENV_X=a b', 'DB_NAME=/cli/db', `DB_PORT=udp://${ip}:53`,
    `DB_PORT_53_UDP=udp://${ip}:53`, `DB_PORT_53_UDP_ADDR=${ip}`, 'DB_PORT_53_UDP_PORT=53', 'DB_PORT_53_UDP_PROTO=udp',
    `DB_PORT_80_TCP=tcp://${ip}:80`, `DB_PORT_80_TCP_ADDR=${ip}`, 'DB_PORT_80_TCP_PORT=80', 'DB_PORT_80_TCP_PROTO=tcp', '',
  ].join('\n'));
  await refused(['create', '--link', 'nosuch:x', 'busybox', 'true'], 'could not get container for nosuch: No such container: nosuch');
  await ok(['create', '--name', 'lk', '--link', 'srv:db', '--link', 'srv', 'busybox', 'true']);
  assert.equal((await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'lk'])).trim(), '["/srv:/lk/db","/srv:/lk/srv"]');
  await ok(['stop', '-t', '0', 'srv']);
  await refused(['start', 'lk'], 'Cannot link to a non running container: /srv AS /lk/db');
  // DELETE /containers/lk/db?link=1 takes the link, never the container.
  await refused(['rm', '--link', 'lk'], 'Conflict, cannot remove the default link name of the container');
  await refused(['rm', '--link', '/lk/nothere'], 'No such container: lk/nothere');
  assert.equal(await ok(['rm', '--link', '/lk/db']), '/lk/db\n');
  assert.equal((await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'lk'])).trim(), '["/srv:/lk/srv"]');
  const api = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'DELETE', '--unix-socket', f.d.socket, 'http://d/v1.41/containers/lk/srv?link=1']);
  assert.equal(api.stdout, '204');
  assert.equal((await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'lk'])).trim(), 'null');
  await ok(['rm', '-f', 'lk', 'srv']);
});

test('network connect/disconnect: a running container gets eth1 and the network names at once; a stopped one at its next start', { skip }, async () => {
  await ok(['network', 'create', 'connnet']);
  await ok(['run', '-d', '--name', 'peer', '--network', 'connnet', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--name', 'mover', 'busybox', 'sleep', '300']);
  const links = async () => (await ok(['exec', 'mover', 'ls', '/sys/class/net'])).split(/\s+/).filter(Boolean).sort();
  assert.deepEqual(await links(), ['eth0', 'lo']);
  await ok(['network', 'connect', '--alias', 'mv', 'connnet', 'mover']);
  assert.deepEqual(await links(), ['eth0', 'eth1', 'lo']);
  const peerIp = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.connnet.IPAddress}}', 'peer'])).trim();
  const moverIp = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.connnet.IPAddress}}', 'mover'])).trim();
  // dockerd rewrites the running container's resolv.conf and hosts for the new network.
  assert.match(await ok(['exec', 'mover', 'nslookup', 'peer']), new RegExp(`Address: ${peerIp.replace(/\./g, '\\.')}\n`));
  assert.match(await ok(['exec', 'mover', 'cat', '/etc/hosts']), new RegExp(`\n${moverIp.replace(/\./g, '\\.')}\t[0-9a-f]{12}\n$`));
  assert.match(await ok(['exec', 'peer', 'nslookup', 'mv']), new RegExp(`Address: ${moverIp.replace(/\./g, '\\.')}\n`));
  assert.equal((await docker(['exec', 'mover', 'ping', '-c1', '-W2', 'peer'])).code, 0);
  await ok(['network', 'disconnect', 'connnet', 'mover']);
  assert.deepEqual(await links(), ['eth0', 'lo']);
  assert.doesNotMatch(await ok(['exec', 'mover', 'cat', '/etc/hosts']), new RegExp(moverIp.replace(/\./g, '\\.')));
  // Stopped: recorded now, plumbed at the start.
  await ok(['stop', '-t', '0', 'mover']);
  await ok(['network', 'connect', 'connnet', 'mover']);
  await ok(['start', 'mover']);
  assert.deepEqual(await links(), ['eth0', 'eth1', 'lo']);
  assert.equal((await docker(['exec', 'mover', 'ping', '-c1', '-W2', 'peer'])).code, 0);
  await ok(['stop', '-t', '0', 'mover']);
  await ok(['network', 'disconnect', 'connnet', 'mover']);
  await ok(['start', 'mover']);
  assert.deepEqual(await links(), ['eth0', 'lo']);
  await ok(['rm', '-f', 'mover', 'peer']);
  await ok(['network', 'rm', 'connnet']);
});

test('each run is announced connected to its networks before its start and disconnected after its die, host and none included, none in another\'s namespace (as dockerd)', { skip }, async () => {
  // To the millisecond: the tests before this one connected and disconnected in the same second.
  const since = (Date.now() / 1000).toFixed(3);
  await ok(['network', 'create', 'evnet']);
  for (const mode of ['none', 'host', 'evnet', 'bridge']) await ok(['run', '--rm', '--name', `ev-${mode}`, '--network', mode, 'busybox', 'true']);
  await ok(['run', '-d', '--name', 'ev-base', '--network', 'none', 'busybox', 'sleep', '60']);
  await ok(['run', '--rm', '--name', 'ev-joined', '--network', 'container:ev-base', 'busybox', 'true']);
  await ok(['rm', '-f', 'ev-base']);
  const events = await ok(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1),
    '--filter', 'type=network', '--filter', 'type=container', '--filter', 'event=connect', '--filter', 'event=disconnect',
    '--filter', 'event=start', '--filter', 'event=die', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  const run = (c: string, n?: string) => [...(n ? [`network connect ${n}`] : []), `container start ${c}`, `container die ${c}`, ...(n ? [`network disconnect ${n}`] : [])];
  const expected = [...['none', 'host', 'evnet', 'bridge'].flatMap((n) => run(`ev-${n}`, n)),
    'network connect none', 'container start ev-base', ...run('ev-joined'), 'container die ev-base', 'network disconnect none'];
  assert.deepEqual(events.trim().split('\n'), expected);
  await ok(['network', 'rm', 'evnet']);
});
