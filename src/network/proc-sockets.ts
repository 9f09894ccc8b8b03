// Who holds a socket: /proc/net/{tcp,tcp6,udp,udp6} list the sockets of this network namespace
// with their inode, and /proc/<pid>/fd links name `socket:[inode]` for each process that has it
// open. Read only when a port turns out taken, so a slow walk of /proc costs nothing usually.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { orIfMissing } from '../lib/log-failure.ts';

export interface ProcSocket { ip: string; port: number; state: number; inode: number }

/** One /proc/net table ("tcp", "udp6"...): sockets with a non-zero inode. `dir` is another
 *  namespace's tables: /proc/<pid>/net shows those of the namespace pid runs in. */
export async function procSockets(table: string, dir = '/proc/net'): Promise<ProcSocket[]> {
  const text = await readFile(`${dir}/${table}`, 'utf8').catch(orIfMissing(''));
  const out: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, port] = f[1]!.split(':') as [string, string];
    const inode = Number(f[9]);
    if (inode) out.push({ ip: decodeAddress(addr), port: parseInt(port, 16), state: parseInt(f[3]!, 16), inode });
  }
  return out;
}

/** The kernel prints addresses as 32-bit words in host order (little-endian here). */
export function decodeAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return bytes.slice(12).join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressV6(groups.join(':'));
}

function compressV6(full: string): string {
  const best = [...full.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)].sort((a, b) => b[0].length - a[0].length)[0];
  return best ? full.slice(0, best.index) + '::' + full.slice(best.index + best[0].length) : full;
}

/** The first process (pid, command) with the socket `inode` open. */
export async function socketHolder(inode: number): Promise<{ pid: number; command: string } | undefined> {
  const want = `socket:[${inode}]`;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(orIfMissing([] as string[])).catch(ifDenied([] as string[]));
    for (const fd of fds) {
      const link = await readlink(`/proc/${entry}/fd/${fd}`).catch(orIfMissing('')).catch(ifDenied(''));
      if (link !== want) continue;
      return { pid: Number(entry), command: await commandOf(entry) };
    }
  }
  return undefined;
}

/** The program's name: the executable's (comm may be a thread's name: node's is "MainThread"). */
async function commandOf(pid: string): Promise<string> {
  const exe = await readlink(`/proc/${pid}/exe`).catch(orIfMissing('')).catch(ifDenied(''));
  if (exe) return basename(exe.replace(/ \(deleted\)$/, ''));
  return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(orIfMissing(''))).trim();
}

/** What we may not look into (another user's process; some of init's fds in a sandbox) holds
 *  nothing we can name: `value`, and the walk goes on. */
function ifDenied<T>(value: T): (err: unknown) => T {
  return (err) => {
    if ((err as { code?: unknown }).code === 'EACCES') return value;
    throw err;
  };
}
