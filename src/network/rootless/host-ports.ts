// Which host ports a rootless berthd may publish. The rootful check binds the port (port-holder.ts),
// but a bind from inside rootlesskit's namespace tests the namespace, not the host, where
// rootlesskit's parent will listen. The host's socket tables are still readable: /proc/<pid>/net
// shows those of the namespace <pid> runs in, and rootlesskit's parent runs in the host's. So a
// taken port is found before anything is made (the same conflict text as rootful, without the
// holder's name: another user's, or the host's, processes are not ours to look into), and a
// random port is one no host socket holds. rootlesskit's own bind stays the last word (a race
// with a host process, a port below net.ipv4.ip_unprivileged_port_start): parent-ports.ts.
import { readFile } from 'node:fs/promises';
import { conflict, notImplemented, systemError } from '../../api/types/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { orIfMissing } from '../../lib/log-failure.ts';
import { socketsOn, type Proto } from '../port-holder.ts';
import type { HostPortCheck } from '../port-holder.ts';

export class RootlessHostPorts implements HostPortCheck {
  readonly #netDir: () => Promise<string | undefined>;
  readonly #logger: Logger | undefined;

  /** `netDir`: /proc/<pid>/net of a process in the host's namespace, or undefined when it
   *  cannot be known (then only berth's records and rootlesskit's bind decide). */
  constructor(o: { netDir: () => Promise<string | undefined>; logger?: Logger }) {
    this.#netDir = o.netDir;
    this.#logger = o.logger;
  }

  async checkFree(ip: string, port: number, proto: Proto): Promise<void> {
    noSctp(proto);
    const dir = await this.#netDir();
    if (dir && (await socketsOn(ip || '0.0.0.0', port, proto, dir)).length > 0) {
      throw conflict(`Bind for ${ip || '0.0.0.0'}:${port} failed: port is already in use`);
    }
  }

  async pickFree(ip: string, proto: Proto, exclude: ReadonlySet<number>): Promise<number> {
    noSctp(proto);
    // The namespace's range: rootlesskit's namespace starts with the kernel's default, as the host.
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const [lo, hi] = range.trim().split(/\s+/).map(Number) as [number, number];
    const dir = await this.#netDir();
    const n = hi - lo + 1;
    const start = Math.floor(Math.random() * n);
    for (let i = 0; i < n; i++) {
      const port = lo + ((start + i) % n);
      if (exclude.has(port)) continue;
      if (!dir || (await socketsOn(ip || '0.0.0.0', port, proto, dir)).length === 0) return port;
    }
    this.#logger?.debug('no free host port', { proto, ip });
    throw systemError(`no free ${proto} port on ${ip || '0.0.0.0'} in ${lo}-${hi}`);
  }
}

function noSctp(proto: Proto): void {
  if (proto === 'sctp') throw notImplemented('a rootless berthd cannot publish sctp ports: rootlesskit forwards tcp and udp only');
}

/** /proc/<pid>/net of rootlesskit's parent: the parent of its child process (`childPID` of its
 *  API's info), which runs in the host's network namespace. undefined if it cannot be read. */
export async function parentNetDir(childPid: number): Promise<string | undefined> {
  const status = await readFile(`/proc/${childPid}/status`, 'utf8').catch(orIfMissing(''));
  const ppid = /^PPid:\s*(\d+)$/m.exec(status)?.[1];
  if (!ppid) return undefined;
  const dir = `/proc/${ppid}/net`;
  // Readable? (a /proc mounted with hidepid hides it; the caller then goes without)
  try {
    await readFile(`${dir}/tcp`, 'utf8');
    return dir;
  } catch (err) {
    if (['ENOENT', 'EACCES', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}
