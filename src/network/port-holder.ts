// Whether a host port can be published, and which one to take when the user left it open.
// dockerd answers a taken port with "Bind for 0.0.0.0:8080 failed: port is already allocated",
// which leaves the user hunting for the culprit (moby#25877); berth names the process that
// holds it. The test is a real bind of ip:port, as a proxy would do; the holder is found through
// /proc (proc-sockets.ts). Ports berth itself has published are no sockets (only DNAT rules):
// the caller excludes those.
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { conflict, invalidParameter, systemError } from '../api/types/errors.ts';
import { orIfMissing } from '../lib/log-failure.ts';
import { procSockets, socketHolder, type ProcSocket } from './proc-sockets.ts';

export type Proto = 'tcp' | 'udp' | 'sctp';

const LISTEN = 0x0a;
const CLOSE = 0x07; // a bound socket that does not listen (tcp) or any udp socket

/** Throws conflict, naming the holder, when ip:port (0.0.0.0 for "") cannot be bound. */
export async function checkPortFree(ip: string, port: number, proto: Proto): Promise<void> {
  const host = ip === '' ? '0.0.0.0' : ip;
  const code = await tryBind(host, port, proto);
  if (code === undefined) return;
  if (code === 'EADDRINUSE') {
    const who = await findHolder(host, port, proto);
    const by = who ? ` by process ${who.pid} (${who.command})` : '';
    throw conflict(`Bind for ${host}:${port} failed: port is already in use${by}`);
  }
  if (code === 'EADDRNOTAVAIL') throw invalidParameter(`listen ${proto} ${host}:${port}: bind: cannot assign requested address`);
  throw systemError(`listen ${proto} ${host}:${port}: bind: ${code}`);
}

/** A free port of the kernel's ephemeral range (ip_local_port_range), not in `exclude`. */
export async function pickFreePort(ip: string, proto: Proto, exclude: ReadonlySet<number>): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  const [lo, hi] = range.trim().split(/\s+/).map(Number) as [number, number];
  const n = hi - lo + 1;
  const start = Math.floor(Math.random() * n); // random, as dockerd: a freed port is not reused at once
  for (let i = 0; i < n; i++) {
    const port = lo + ((start + i) % n);
    if (!exclude.has(port) && (await tryBind(ip === '' ? '0.0.0.0' : ip, port, proto)) === undefined) return port;
  }
  throw systemError(`no free ${proto} port on ${ip || '0.0.0.0'} in ${lo}-${hi}`);
}

/** How a daemon tells whether a host port is free: by binding it here (below), or, for a
 *  rootless berthd, by reading the host's socket tables (rootless/host-ports.ts). */
export interface HostPortCheck {
  checkFree(ip: string, port: number, proto: Proto): Promise<void>;
  pickFree(ip: string, proto: Proto, exclude: ReadonlySet<number>): Promise<number>;
}

export const bindCheck: HostPortCheck = { checkFree: checkPortFree, pickFree: pickFreePort };

/** undefined when ip:port could be bound (and was released again), else the errno code. */
async function tryBind(host: string, port: number, proto: Proto): Promise<string | undefined> {
  if (proto === 'sctp') return (await sctpListeners()).has(port) ? 'EADDRINUSE' : undefined; // Node has no SCTP sockets
  return new Promise((resolve) => {
    const failed = (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message);
    if (proto === 'tcp') {
      const server = createServer();
      server.once('error', failed);
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
    } else {
      const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
      socket.once('error', (err) => (socket.close(), failed(err)));
      socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(undefined)));
    }
  });
}

async function findHolder(host: string, port: number, proto: Proto): Promise<{ pid: number; command: string } | undefined> {
  for (const s of await socketsOn(host, port, proto)) {
    const who = await socketHolder(s.inode);
    if (who) return who;
  }
  return undefined;
}

/** The sockets that hold host:port for `proto` (a listening or bound tcp socket, any udp one,
 *  on that address or a wildcard) in the tables of `dir` (this namespace's by default). */
export async function socketsOn(host: string, port: number, proto: Proto, dir?: string): Promise<ProcSocket[]> {
  const tables = proto === 'tcp' ? ['tcp', 'tcp6'] : proto === 'udp' ? ['udp', 'udp6'] : [];
  const wild = (a: string) => a === '0.0.0.0' || a === '::';
  const out: ProcSocket[] = [];
  for (const t of tables) {
    for (const s of await procSockets(t, dir)) {
      if (s.port !== port || (proto === 'tcp' && s.state !== LISTEN && s.state !== CLOSE)) continue;
      if (wild(host) || wild(s.ip) || s.ip === host) out.push(s);
    }
  }
  return out;
}

/** Ports with a listening SCTP endpoint (/proc/net/sctp/eps: LPORT is the 6th column). */
async function sctpListeners(): Promise<Set<number>> {
  const text = await readFile('/proc/net/sctp/eps', 'utf8').catch(orIfMissing(''));
  return new Set(text.split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[5])).filter((p) => p > 0));
}
