// A bridge and a "container" network namespace made with plain `ip` commands, for tests of the
// firewall (which must not depend on the endpoint library): bridge bt<hex> with a random
// 10.x.y.0/24 that no host route covers, netns berth-t<hex> with eth0 on it, and a small
// server in the namespace (TCP port 80 answers "hi <its ip> from <peer ip>\n", UDP port 80 echoes "pong <msg>").
// Everything is named uniquely per run and removed by close().
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mustRun } from '../network/run-tool.ts';
import { within } from './until.ts';

const SERVER = `
const net = require('node:net'), dgram = require('node:dgram');
const want = process.argv[1] === 'v6' ? 3 : 2;
let n = 0; const up = () => { if (++n === want) process.stdout.write('ready\\n'); };
const serve = (s) => s.end('hi ' + s.localAddress + ' from ' + s.remoteAddress + '\\n');
net.createServer(serve).listen(80, '0.0.0.0', up);
if (want === 3) net.createServer(serve).listen({ port: 80, host: '::', ipv6Only: true }, up);
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send('pong ' + m, r.port, r.address));
u.bind(80, '0.0.0.0', up);`;

export interface NetLab {
  bridge: string; ns: string; subnet: string; gateway: string; containerIp: string;
  /** The server's pid (it runs until close()). */
  server: ChildProcess;
  /** With ipv6Prefix ("fd00:1:2::"): the bridge's <prefix>1/64 and the container's <prefix>2. */
  subnet6?: string; gateway6?: string; containerIp6?: string;
  /** A second container on the bridge (address .3, no server), when asked for. */
  second?: { ns: string; containerIp: string };
  close(): Promise<void>;
}

export const hex = (n: number): string => randomBytes(n).toString('hex').slice(0, n);

/** A /24 of 10.0.0.0/8 with no host route inside it (few ones are; several labs run at once). */
export async function freeSubnet(): Promise<string> {
  const routes = await mustRun('ip', ['-4', 'route', 'show', 'table', 'all']);
  for (let i = 0; i < 100; i++) {
    const a = 200 + Math.floor(Math.random() * 50);
    if (!routes.includes(`10.${a}.`) && !/^10\.0\.0\.0\/8 /m.test(routes)) return `10.${a}.${Math.floor(Math.random() * 256)}.`;
  }
  throw new Error('no 10.200-249.x.0/24 free of host routes');
}

export async function makeLab(o: { subnetPrefix?: string; second?: boolean; ipv6Prefix?: string } = {}): Promise<NetLab> {
  const id = hex(6);
  const p = o.subnetPrefix ?? (await freeSubnet());
  const lab = { bridge: `bt${id}`, ns: `berth-t${id}`, subnet: `${p}0/24`, gateway: `${p}1`, containerIp: `${p}2` };
  const ip = (...a: string[]) => mustRun('ip', a);
  const v6 = o.ipv6Prefix ? { subnet6: `${o.ipv6Prefix}/64`, gateway6: `${o.ipv6Prefix}1`, containerIp6: `${o.ipv6Prefix}2` } : undefined;
  const second = o.second ? { ns: `${lab.ns}b`, containerIp: `${p}3` } : undefined;
  const addContainer = async (ns: string, hostIf: string, address: string) => {
    const inNs = (...a: string[]) => mustRun('ip', ['-n', ns, ...a]);
    await ip('netns', 'add', ns);
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    await ip('link', 'set', hostIf, 'master', lab.bridge, 'up');
    await mustRun('bridge', ['link', 'set', 'dev', hostIf, 'hairpin', 'on']);
    await inNs('addr', 'add', `${address}/24`, 'dev', 'eth0');
    await inNs('link', 'set', 'lo', 'up');
    await inNs('link', 'set', 'eth0', 'up');
    await inNs('route', 'add', 'default', 'via', lab.gateway);
  };
  let server: ChildProcess | undefined;
  const close = async () => {
    if (server?.exitCode === null) {
      server.kill();
      await within('the lab server to exit', once(server, 'exit'));
    }
    // After a failed set-up, only what was made.
    for (const ns of [lab.ns, second?.ns]) if (ns && existsSync(`/run/netns/${ns}`)) await ip('netns', 'del', ns);
    if (existsSync(`/sys/class/net/${lab.bridge}`)) await ip('link', 'del', lab.bridge);
  };
  try {
    await ip('link', 'add', lab.bridge, 'type', 'bridge');
    await ip('addr', 'add', `${lab.gateway}/24`, 'dev', lab.bridge);
    await ip('link', 'set', lab.bridge, 'up');
    if (v6) await ip('addr', 'add', `${v6.gateway6}/64`, 'dev', lab.bridge, 'nodad');
    await addContainer(lab.ns, `vt${id}`, lab.containerIp);
    if (v6) {
      await mustRun('ip', ['-n', lab.ns, 'addr', 'add', `${v6.containerIp6}/64`, 'dev', 'eth0', 'nodad']);
      await mustRun('ip', ['-n', lab.ns, '-6', 'route', 'add', 'default', 'via', v6.gateway6]);
    }
    if (second) await addContainer(second.ns, `vu${id}`, second.containerIp);
    server = spawn('ip', ['netns', 'exec', lab.ns, process.execPath, '-e', SERVER, v6 ? 'v6' : 'v4'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await within('the lab server to listen', once(server.stdout!, 'data'));
    return { ...lab, ...v6, server, close, ...(second ? { second } : {}) };
  } catch (err) {
    await close();
    throw err;
  }
}
