// A container's filesystem as its processes see it, from the host: the rootfs with bind mounts
// laid over it, and symlinks resolved inside it by lib/link-walk.ts (a link must lead to the
// container's /, never the host's), here over mounts too and without blocking the event loop.
// For the CLI's side of a copy the view is the host itself (root "/"), where the same walk gives
// the kernel's own answers.
import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { linkWalk } from '../../lib/link-walk.ts';
import { clean } from './go-path.ts';

export interface BindMount {
  /** Absolute, clean container path. */
  destination: string;
  /** Host path mounted there. */
  source: string;
  readOnly: boolean;
}

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

  /** The container path of a host path of the view (in its rootfs or a mount's source); a
   * host path outside the view is named by its last component only. */
  containerOf(host: string): string {
    for (const [prefix, cpath] of this.hostPrefixes()) {
      if (host === prefix) return cpath;
      const rest = prefix === '/' ? host : host.startsWith(`${prefix}/`) ? host.slice(prefix.length) : undefined;
      if (rest !== undefined) return cpath === '/' ? rest : cpath + rest;
    }
    return host.slice(host.lastIndexOf('/') + 1);
  }

  /** Host directories (mount sources, the rootfs) and the container paths they are seen at,
   * longest host path first. */
  hostPrefixes(): [host: string, cpath: string][] {
    const all: [string, string][] = [...this.mounts.map((m): [string, string] => [m.source, m.destination]), [this.root, '/']];
    return all.sort((a, b) => b[0].length - a[0].length);
  }

  /**
   * The container path `path` leads to, links resolved inside the view. The last component is
   * followed only when followLast is set (lstat vs stat). Missing components are kept as named,
   * so the result may be created afterwards.
   */
  async resolve(path: string, followLast: boolean): Promise<string> {
    const walk = linkWalk(path, followLast);
    for (let step = walk.next(); ; ) {
      if (step.done) return clean(step.value);
      const host = this.hostOf(step.value);
      step = walk.next((await lstatOrNull(host))?.isSymbolicLink() ? await readlink(host) : null);
    }
  }

  /** lstat of a container path (its directories resolved in the view, the last entry not followed). */
  async lstat(path: string): Promise<{ cpath: string; host: string; st: Stats | null }> {
    const cpath = await this.resolve(path, false);
    const host = this.hostOf(cpath);
    return { cpath, host, st: await lstatOrNull(host) };
  }
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
