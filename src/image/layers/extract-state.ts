// What one extraction knows about the layer it is building. Kept apart from the entry handlers
// so the bookkeeping that keeps them safe (what this layer made, which directories were checked)
// is in one place and is purged the same way whenever something is removed.
import type { Stats } from 'node:fs';
import { lutimes, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemError } from '../../api/types/errors.ts';
import type { TarHeader } from './tar-read.ts';
import { resolveParent } from './safe-path.ts';
import type { TarSplitRecorder } from './tar-split.ts';
import { isPrivateXattr, setXattr, skippableXattrError } from './xattr.ts';

export interface ExtractOptions {
  /** overlay: keep whiteouts in overlayfs's format; vfs: apply them as deletions. */
  format: 'overlay' | 'vfs';
  /** Allow character/block devices and fifos (default: refused). */
  allowDevices?: boolean;
  /** Record the tar as it streams past, for a byte-exact export later (see tar-split.ts). */
  record?: TarSplitRecorder;
}

export type Kind = 'dir' | 'file' | 'other';

export class ExtractState {
  readonly root: string;
  readonly opts: ExtractOptions;
  /** What this layer has created so far, by relative path (hard link targets, opaque dirs). */
  readonly seen = new Map<string, Kind>();
  /** Directory mtimes by relative path, applied once nothing more is created inside. */
  readonly dirTimes = new Map<string, number>();
  /** Directories verified as real (not symlinks) in this run, so their lstat is not repeated. */
  readonly knownDirs = new Set<string>();
  size = 0;
  readonly warnings: string[] = [];
  #moreWarnings = 0;

  constructor(root: string, opts: ExtractOptions) {
    this.root = root;
    this.opts = opts;
  }

  /** The checked parent directory of parts (see safe-path.ts); dirs it makes count as ours. */
  parent(parts: readonly string[], name: string, create: boolean): Promise<string | null> {
    return resolveParent(this.root, parts, { create, name, known: this.knownDirs, onCreate: (r) => this.seen.set(r, 'dir') });
  }

  /** Remove what is at path (never following links) and forget everything at or below it. */
  async remove(path: string, rel: string, st?: Stats | null): Promise<void> {
    if (st === null) return;
    await this.opts.record?.removing(rel); // bodies recorded there must survive for export
    await rm(path, { recursive: true, force: true });
    for (const map of [this.seen, this.dirTimes]) {
      for (const k of map.keys()) if (k === rel || k.startsWith(`${rel}/`)) map.delete(k);
    }
    for (const k of this.knownDirs) if (k === rel || k.startsWith(`${rel}/`)) this.knownDirs.delete(k);
  }

  async finish(): Promise<void> {
    for (const [rel, t] of this.dirTimes) await lutimes(join(this.root, rel), t, t);
    if (this.#moreWarnings > 0) this.warnings.push(`... and ${this.#moreWarnings} more skipped xattrs`);
  }

  /** Kept short: an image from an SELinux host may carry a label on every file. */
  warn(msg: string): void {
    if (this.warnings.length < 20) this.warnings.push(msg);
    else this.#moreWarnings++;
  }

  async xattrs(path: string, h: TarHeader): Promise<void> {
    for (const [name, value] of h.xattrs) {
      if (isPrivateXattr(name)) {
        this.warn(`${h.name}: ignored xattr ${name} (reserved for the host)`);
        continue;
      }
      try {
        await setXattr(path, name, value);
      } catch (err) {
        const why = skippableXattrError(name, err);
        if (why === null) throw systemError(`cannot set xattr ${name} on layer entry "${h.name}"`, err);
        this.warn(`${h.name}: skipped xattr ${name}: ${why}`);
      }
    }
  }
}
