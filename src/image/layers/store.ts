// The layer store contract shared by the overlay2 and vfs drivers, and the small helpers both
// use. A layer is known by its cacheId (random, like docker's graphdriver ids) so the same
// diffID can be stored twice without clashing; the image metadata DB maps chainIDs to cacheIds.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { run } from './exec.ts';

export type DriverName = 'overlay2' | 'fuse-overlayfs' | 'vfs';

export interface LayerStoreOptions {
  /** Accept character/block devices and fifos in layers (default: refuse them). */
  allowDevices?: boolean;
  /** What the store could not clean up, or had to force (a busy mount detached): for the log. */
  warn?: (msg: string, fields: Record<string, string>) => void;
}

export interface AppliedLayer {
  cacheId: string;
  /** sha256 of the uncompressed tar exactly as it was read. */
  diffId: string;
  /** Bytes of regular-file content (docker's layer size). */
  size: number;
  /** xattrs skipped rather than applied; worth a log line, not a failure. */
  warnings: string[];
}

export interface DiskUsage {
  /** Apparent bytes of the layer's files, each inode counted once. */
  bytes: number;
  inodes: number;
}

export interface LayerStore {
  readonly driver: DriverName;
  /** Extract an uncompressed layer tar on top of parentCacheId; visible only once complete. */
  applyLayer(parentCacheId: string | undefined, tar: Readable): Promise<AppliedLayer>;
  /** An empty writable layer on top of parentCacheId (a container's rootfs changes). */
  createRwLayer(parentCacheId: string | undefined): Promise<string>;
  /** Removes a layer. Waits for the mounts and unmounts of it asked for before, unmounts its
   * rootfs first (lazily when busy: logged through `warn`), and a mount asked for after finds no
   * layer (404) and makes nothing. */
  removeLayer(cacheId: string): Promise<void>;
  /** Every committed layer on disk, for garbage-collecting ones the metadata DB does not know. */
  listCacheIds(): Promise<string[]>;
  exists(cacheId: string): boolean;
  /** overlay2: the layer's diff/ directory; vfs: its full directory. */
  layerPath(cacheId: string): string;
  /** The directories a rootfs is made of, this layer first, then its parents (nearest first). */
  lowerDirs(cacheId: string): Promise<string[]>;
  /**
   * The layer as an uncompressed tar: the exact bytes it was extracted from (so its sha256 is
   * the diffID) when the layer has a tar-split record, else a deterministic OCI re-tar of its
   * files (whiteouts as .wh. files) — rw layers, and layers from before records existed.
   */
  tarLayer(cacheId: string): Readable;
  /** The exact byte size of tarLayer(cacheId), known before streaming it (archive headers). */
  layerTarSize(cacheId: string): Promise<number>;
  diskUsage(cacheId: string): Promise<DiskUsage>;

  // A writable layer as a container's (or a build step's) root filesystem. Mounts, unmounts and
  // the removal of one layer run one at a time, in the order asked for (see removeLayer): a
  // start and a copy mounting one rootfs at once share the mount rather than stack two overlays
  // on one upper dir. There is no counting of users: callers that share a rootfs count them
  // (RootfsAccess) and unmount when the last one is done.

  /** Where mount(cacheId) puts the rootfs, known before it is mounted (the spec's root.path).
   * overlay2: <layer>/merged; vfs: the layer's own directory. */
  rootfsPath(cacheId: string): string;
  /** The layer over its parents as one tree at rootfsPath(cacheId), returned; a rootfs already
   * mounted is reused. Rejects (404) when the layer is gone. vfs: nothing to mount. */
  mount(cacheId: string): Promise<string>;
  /** Undoes mount(); nothing when not mounted. Rejects when the rootfs is busy (a process has
   * its cwd in it): removeLayer detaches it then. vfs: nothing to do. */
  unmount(cacheId: string): Promise<void>;
  /** Calls fn with the full tree of committed layer cacheId (it over its parents), read-only by
   * contract, for comparing a container against its image. overlay2 mounts a read-only overlay
   * on a new directory mkdtemp(scratch) when there are parents (the daemon clears leftover
   * mounts under scratch's directory at startup) and unmounts it after fn; vfs: the layer's
   * directory. */
  withTree<T>(cacheId: string, scratch: string, fn: (root: string) => Promise<T>): Promise<T>;
  /** What a writable layer changed, as a tree to diff against its image (rw-changes.ts):
   * overlay2's upper dir (whiteouts, opaque dirs) or vfs's full copy. */
  rwTree(cacheId: string): RwTree;
  /** GraphDriver.Data in inspect, as dockerd shows it, for layer cacheId over parents (nearest
   * first, as the metadata DB lists them): overlay2's LowerDir, MergedDir, UpperDir, WorkDir;
   * null for vfs. Paths only: nothing is read from the disk. */
  graphData(cacheId: string, parents: readonly string[]): Record<string, string> | null;
}

/** A layer's changes as a tree: overlay2's upper dir, or a full copy to compare whole. */
export type RwTree = { kind: 'overlay'; upper: string } | { kind: 'full'; dir: string };

const CACHE_ID = /^[0-9a-f]{64}$/;

export function newCacheId(): string {
  return randomBytes(32).toString('hex');
}

export function isCacheId(s: string): boolean {
  return CACHE_ID.test(s);
}

/** Cache ids become path components: anything else is refused before touching the disk. */
export function assertCacheId(s: string): string {
  if (!CACHE_ID.test(s)) throw invalidParameter(`invalid layer cache id "${s}": expected 64 hex characters`);
  return s;
}

/** Flush the staged layer before it is renamed into place, so a power cut cannot publish a
 * layer whose files are still empty (syncfs via coreutils' sync -f; Node has no syncfs). */
export async function syncFs(path: string): Promise<void> {
  await run('sync', ['-f', path]);
}

/** fsync each file or directory, all at once. */
export async function fsyncAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map(async (p) => {
    const fh = await open(p, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }));
}

/** Counting a stream's bytes: the size of a re-tarred layer, which has no record to ask. */
export async function streamSize(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) n += chunk.length;
  return n;
}

export async function usage(dir: string): Promise<DiskUsage> {
  const seen = new Set<string>();
  let bytes = 0;
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!st.isDirectory()) bytes += st.size;
    else for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
  return { bytes, inodes: seen.size };
}
