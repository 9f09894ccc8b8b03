// Sockets passed by the service manager (systemd's socket activation, `-H fd://`): the
// descriptors from 3 on, LISTEN_FDS of them, meant for this process when LISTEN_PID is its pid
// — sd_listen_fds' protocol, which dockerd follows too. The variables are read once and
// removed, so no container or helper started later inherits them.
import { readFileSync, readlinkSync } from 'node:fs';

export interface ActivatedFds {
  fds: number[];
  names: string[];
}

let taken: ActivatedFds | undefined;

export function activatedFds(env: NodeJS.ProcessEnv = process.env): ActivatedFds {
  if (taken) return taken;
  const pid = Number(env.LISTEN_PID);
  const count = Number(env.LISTEN_FDS);
  const names = (env.LISTEN_FDNAMES ?? '').split(':');
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  const ours = pid === process.pid && Number.isInteger(count) && count > 0;
  taken = { fds: ours ? Array.from({ length: count }, (_, i) => 3 + i) : [], names: ours ? names : [] };
  return taken;
}

/** The descriptors an `fd://` or `fd://N` address asks for, or why it cannot have them. */
export function fdsFor(host: string, passed: ActivatedFds): number[] {
  const want = host.slice('fd://'.length);
  if (passed.fds.length === 0) {
    throw new Error(`no sockets were passed by the service manager for ${host} (LISTEN_FDS/LISTEN_PID not set for this process): start berthd through berthd.socket, or use unix:// or tcp://`);
  }
  if (want === '') return passed.fds;
  const fd = Number(want);
  if (!passed.fds.includes(fd)) throw new Error(`${host}: descriptor ${fd} was not passed (the service manager passed ${passed.fds.join(', ')})`);
  return [fd];
}

/** The path a passed unix socket is bound to, for the log (node knows no name for a pipe made
 * from a descriptor): its inode, from /proc/self/fd, looked up in /proc/net/unix. Undefined for
 * another kind of socket, an unnamed one, or where /proc does not tell. */
export function unixSocketPath(fd: number): string | undefined {
  try {
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    if (inode === undefined) return undefined;
    for (const line of readFileSync('/proc/net/unix', 'latin1').split('\n')) {
      // Num RefCount Protocol Flags Type St Inode Path
      const f = line.trim().split(/\s+/);
      if (f[6] === inode && f[7]?.startsWith('/')) return f.slice(7).join(' ');
    }
  } catch {
    /* no /proc: the log says only the descriptor */
  }
  return undefined;
}
