// Routed traffic through berth's table, run by firewall-routed.test.ts INSIDE a private network
// namespace standing in for the host (never the real one: this sets its iptables FORWARD policy
// to DROP, as dockerd leaves a machine). Three labs (net-lab.ts) hang off that "host": bridges A
// and B are berth networks, X is an outside network the firewall does not know. Traffic goes
// only between these namespaces. Not a *.test file: the suite must not run it on the host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { hex, makeLab, type NetLab } from '../testing/net-lab.ts';
import { until } from '../testing/until.ts';
import { Firewall } from './firewall.ts';
import { HostForward } from './host-forward.ts';
import { mustRun } from './run-tool.ts';

const privateNs = process.env.BERTH_FW_PRIVATE_NETNS ?? '';
const inPrivate = privateNs !== '' && statSync(`/run/netns/${privateNs}`).ino === statSync('/proc/self/ns/net').ino;
if (!inPrivate) throw new Error('firewall-routed.scenario runs only inside its private netns (firewall-routed.test.ts)');

// A client in a lab's namespace: "hi ..." from the server, or "timeout"/an errno when none answers
// within 3 s (1 s was too short for an answer on a busy 2-core machine).
const CLIENT = `const s = require('node:net').connect(+process.argv[2], process.argv[1]); let t = '';
s.setTimeout(3000, () => { console.log('timeout'); process.exit(0); });
s.on('data', (d) => (t += d)).on('end', () => console.log(t.trim())).on('error', (e) => console.log(e.code));`;
const from = (lab: { ns: string } | 'host', host: string, port: number) => {
  const client = [process.execPath, '-e', CLIENT, host, String(port)];
  const [cmd, ...args] = lab === 'host' ? client : ['ip', 'netns', 'exec', lab.ns, ...client];
  return execFileSync(cmd!, args, { encoding: 'utf8' }).trim();
};

const table = `berth_t${hex(8)}`;
const fw = new Firewall({ table });
let a: NetLab, b: NetLab, c: NetLab, x: NetLab;
const P = 8080;
const forwardRules = async () => (await mustRun('iptables', ['-w', '-S', 'FORWARD'])).split('\n').filter((l) => l.includes(`berth:${table}:`));

before(async () => {
  await mustRun('ip', ['link', 'set', 'lo', 'up']);
  await mustRun('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  await mustRun('iptables', ['-w', '-P', 'FORWARD', 'DROP']);
  [a, b, x] = [await makeLab({ subnetPrefix: '10.1.1.' }), await makeLab({ subnetPrefix: '10.1.2.' }), await makeLab({ subnetPrefix: '10.9.9.' })];
  c = await makeLab({ subnetPrefix: '10.1.3.', second: true });
  for (const lab of [a, b]) await fw.addNetwork({ bridge: lab.bridge, subnet: lab.subnet, internal: false, masquerade: true, icc: true });
  await fw.publish('ca', [{ proto: 'tcp', hostIp: '', hostPort: P, containerIp: a.containerIp, containerPort: 80, bridge: a.bridge }]);
});
after(async () => {
  await fw.destroy();
  for (const lab of [a, b, c, x]) await lab?.close();
});

test('FORWARD policy DROP: berth accepts its bridges there, narrowly, and the traffic passes', async () => {
  assert.equal((await forwardRules()).length, 4);
  assert.equal(from(x, x.gateway, P), `hi ${a.containerIp} from ${x.containerIp}`); // published port, routed in
  await new HostForward({ table }).revoke(a.bridge);
  assert.equal(from(x, x.gateway, P), 'timeout'); // what the rules are for
  await fw.addNetwork({ bridge: a.bridge, subnet: a.subnet, internal: false, masquerade: true, icc: true });
  assert.equal(from(x, x.gateway, P), `hi ${a.containerIp} from ${x.containerIp}`);
  assert.equal(from(x, a.containerIp, 80), 'timeout'); // not published: the host's DROP stands
});

test('a container\'s traffic out is masqueraded; it reaches its own published port (hairpin)', () => {
  assert.equal(from(a, x.containerIp, 80), `hi ${x.containerIp} from ${x.gateway}`);
  assert.equal(from(a, x.gateway, P), `hi ${a.containerIp} from ${a.gateway}`);
});

test('berth networks are isolated from each other, but reach each other\'s published ports', () => {
  assert.equal(from(a, b.containerIp, 80), 'timeout');
  assert.equal(from(b, a.containerIp, 80), 'timeout');
  assert.match(from(b, x.gateway, P), new RegExp(`^hi ${a.containerIp} from `));
});

test('an internal network reaches nothing outside its bridge', async () => {
  await fw.addNetwork({ bridge: b.bridge, subnet: b.subnet, internal: true, masquerade: true, icc: true });
  assert.equal(from(b, x.containerIp, 80), 'timeout');
  assert.equal(from(b, x.gateway, P), 'timeout');
  await fw.addNetwork({ bridge: b.bridge, subnet: b.subnet, internal: false, masquerade: true, icc: true });
  assert.equal(from(b, x.containerIp, 80), `hi ${x.containerIp} from ${x.gateway}`);
});

test('icc=false: containers of one network do not reach each other; the outside and the host they do', async () => {
  // Without br_netfilter's call into the IP hooks (a host where dockerd never loaded it), only
  // the bridge-family table sees switched traffic: test that one alone.
  const callIptables = '/proc/sys/net/bridge/bridge-nf-call-iptables';
  const was = readFileSync(callIptables, 'utf8').trim();
  writeFileSync(callIptables, '0');
  try {
    const c2 = c.second!;
    await fw.addNetwork({ bridge: c.bridge, subnet: c.subnet, internal: false, masquerade: true, icc: true });
    assert.equal(from(c2, c.containerIp, 80), `hi ${c.containerIp} from ${c2.containerIp}`);
    await fw.removeNetwork(c.bridge);
    await fw.addNetwork({ bridge: c.bridge, subnet: c.subnet, internal: false, masquerade: true, icc: false });
    assert.equal(from(c2, c.containerIp, 80), 'timeout');
    assert.equal(from(c2, x.containerIp, 80), `hi ${x.containerIp} from ${x.gateway}`);
    assert.equal(from('host', c.containerIp, 80), `hi ${c.containerIp} from ${c.gateway}`);
    await fw.removeNetwork(c.bridge);
    assert.equal(from(c2, c.containerIp, 80), `hi ${c.containerIp} from ${c2.containerIp}`);
    await fw.addNetwork({ bridge: c.bridge, subnet: c.subnet, internal: false, masquerade: true, icc: false });
  } finally {
    writeFileSync(callIptables, was);
  }
});

test('IPv6: a port published to an IPv6 container address, and masquerade of the IPv6 subnet', async () => {
  await mustRun('sysctl', ['-qw', 'net.ipv6.conf.all.forwarding=1']);
  const a6 = await makeLab({ subnetPrefix: '10.1.4.', ipv6Prefix: 'fd00:1:4::' });
  const x6 = await makeLab({ subnetPrefix: '10.9.8.', ipv6Prefix: 'fd00:9:8::' });
  try {
    await fw.addNetwork({ bridge: a6.bridge, subnet: a6.subnet, ipv6Subnet: a6.subnet6!, internal: false, masquerade: true, icc: true });
    await fw.publish('c6', [{ proto: 'tcp', hostIp: '', hostPort: P + 6, containerIp: a6.containerIp6!, containerPort: 80, bridge: a6.bridge }]);
    // The first IPv6 packets wait for neighbour discovery: allow it a few tries.
    const want = `hi ${a6.containerIp6} from ${x6.containerIp6}`;
    await until('the IPv6 published port to answer', () => from(x6, x6.gateway6!, P + 6) === want, { timeoutMs: 8000 });
    assert.equal(from(x6, x6.gateway!, P + 6), 'ECONNREFUSED'); // IPv4 is not DNATed to an IPv6 container
    assert.equal(from(a6, x6.containerIp6!, 80), `hi ${x6.containerIp6} from ${x6.gateway6}`);
  } finally {
    await fw.unpublish('c6');
    await fw.removeNetwork(a6.bridge);
    await a6.close();
    await x6.close();
  }
});

test('removeNetwork and destroy take berth\'s FORWARD rules along', async () => {
  await fw.removeNetwork(b.bridge);
  assert.equal((await forwardRules()).length, 4); // a's and c's
  assert.equal(from(b, x.containerIp, 80), 'timeout'); // the host's DROP again
  await fw.destroy();
  assert.deepEqual(await forwardRules(), []);
  assert.ok(!(await mustRun('nft', ['list', 'tables'])).includes(table));
});
