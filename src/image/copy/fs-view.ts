// A container's filesystem as its processes see it, from the host: the rootfs with bind mounts
// laid over it, and symlinks resolved inside it. A container (and so its image) is untrusted: a
// link such as /tmp/x -> / or ../../../etc must lead to the container's /, never the host's —
// the same rule as runtime/spec/rootfs-path.ts, here over mounts too and without blocking the
// event loop. Every component is looked at with lstat, absolute targets restart at the
// container's root and ".." never climbs above it. For the CLI's side of a copy the view is the
// host itself (root "/"), where the same walk gives the kernel's own answers.
import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { clean } from './go-path.ts';

export interface BindMount {
  /** Absolute, clean container path. */
  destination: string;
  /** Host path mounted there. */
  source: string;
  readOnly: boolean;
}

/** As moby: a loop of links is an error, not a hang. */
const MAX_LINKS = 255;

export class FsView {
  readonly root: string;
  readonly mounts: readonly BindMount[];

  constructor(root: string, mounts: readonly BindMount[] = []) {
    this.root = root.length > 1 ? root.replace(/\/+$/, '') : root;
    // Longest destination first, so a mount inside another mount wins.
    this.mounts = [...mounts].sort((a, b) => b.destination.length - a.destination.length);
  }

  /** The mount that holds a container path, if any. */
  mountFor(cpath: string): BindMount | undefined {
    return this.mounts.find((m) => cpath === m.destination || cpath.startsWith(m.destination === '/' ? '/' : `${m.destination}/`));
  }

  /** The host path of a container path whose directories are already resolved (no links in them). */
  hostOf(cpath: string): string {
    const m = this.mountFor(cpath);
    if (m) return m.source + cpath.slice(m.destination === '/' ? 0 : m.destination.length);
    if (this.root === '/') return cpath;
    return cpath === '/' ? this.root : this.root + cpath;
  }

  /**
   * The container path `path` leads to, links resolved inside the view. The last component is
   * followed only when followLast is set (lstat vs stat). Missing components are kept as named,
   * so the result may be created afterwards.
   */
  async resolve(path: string, followLast: boolean): Promise<string> {
    let resolved: string[] = [];
    let pending = components(path);
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const cpath = `/${[...resolved, part].join('/')}`;
      const st = await lstatOrNull(this.hostOf(cpath));
      if (st?.isSymbolicLink() && (pending.length > 0 || followLast)) {
        if (++links > MAX_LINKS) throw new Error(`too many links resolving ${path}`);
        const target = await readlink(this.hostOf(cpath));
        if (target.startsWith('/')) resolved = [];
        pending = [...components(target), ...pending];
        continue;
      }
      resolved.push(part);
    }
    return clean(`/${resolved.join('/')}`);
  }

  /** lstat of a container path (its directories resolved in the view, the last entry not followed). */
  async lstat(path: string): Promise<{ cpath: string; host: string; st: Stats | null }> {
    const cpath = await this.resolve(path, false);
    const host = this.hostOf(cpath);
    return { cpath, host, st: await lstatOrNull(host) };
  }
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}

/** lstat, or null when nothing is there (also when a directory on the way is a file). */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
