// The layer store contract shared by the overlay2 and vfs drivers, and the small helpers both
// use. A layer is known by its cacheId (random, like docker's graphdriver ids) so the same
// diffID can be stored twice without clashing; the image metadata DB maps chainIDs to cacheIds.
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { run } from './exec.ts';

export type DriverName = 'overlay2' | 'vfs';

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
}

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
