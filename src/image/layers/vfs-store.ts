// vfs, the fallback when overlay mounts are refused: every layer is a full copy of its parent
// with the layer applied, as dockerd's vfs graphdriver does it.
//   <root>/vfs/dir/<cacheId>/      the complete rootfs up to this layer
//   <root>/vfs/parents/<cacheId>   its parent's cacheId ("" for a base layer): tarLayer diffs
//                                  against the parent, and nothing inside dir/ may hold it
//   <root>/vfs/tar-split/<cacheId>/ the layer's tar-split record (byte-exact export); dir/ is
//                                  the container's whole rootfs, so it cannot live in there
// The copy is `cp -a --reflink=auto`: it keeps owners, modes, times, xattrs, hard links and
// device nodes, and shares blocks on filesystems that can (btrfs, xfs), copying elsewhere.
// Layers are built in <root>/vfs/.staging and renamed into place when complete; the record is
// renamed into place just before its layer, so a layer never exists without its record.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { notFound } from '../../api/types/errors.ts';
import { run } from './exec.ts';
import { extractLayer } from './extract.ts';
import { assertCacheId, isCacheId, newCacheId, streamSize, syncFs, usage, type AppliedLayer, type DiskUsage, type LayerStore, type LayerStoreOptions, type RwTree } from './store.ts';
import { byteStream, tarChunks } from './tar-layer.ts';
import { vfsChanges } from './vfs-diff.ts';
import { dumpXattrs } from './xattr.ts';
import { TarSplitRecorder } from './tar-split.ts';
import { assembleTar, forgetTarSplit, hasTarSplit, tarSplitSize } from './tar-split-assemble.ts';

export class VfsStore implements LayerStore {
  readonly driver = 'vfs' as const;
  readonly home: string;
  readonly #dirs: string;
  readonly #parents: string;
  readonly #staging: string;
  readonly #records: string;
  readonly #allowDevices: boolean;

  constructor(root: string, opts: LayerStoreOptions = {}) {
    this.home = join(root, 'vfs');
    this.#dirs = join(this.home, 'dir');
    this.#parents = join(this.home, 'parents');
    this.#staging = join(this.home, '.staging');
    this.#records = join(this.home, 'tar-split');
    this.#allowDevices = opts.allowDevices ?? false;
    mkdirSync(this.#dirs, { recursive: true, mode: 0o700 });
    mkdirSync(this.#parents, { recursive: true, mode: 0o700 });
    mkdirSync(this.#records, { recursive: true, mode: 0o700 });
    // Opening the store (once, at daemon start): staging debris and orphaned records go.
    try {
      rmSync(this.#staging, { recursive: true, force: true });
    } catch (err) {
      opts.warn?.('cannot clear the layer staging directory', { path: this.#staging, error: (err as Error).message });
    }
    mkdirSync(this.#staging, { recursive: true, mode: 0o700 });
    for (const meta of [this.#parents, this.#records]) {
      for (const id of readdirSync(meta)) if (!existsSync(join(this.#dirs, id))) rmSync(join(meta, id), { recursive: true, force: true });
    }
  }

  exists(cacheId: string): boolean {
    return existsSync(this.layerPath(cacheId));
  }

  layerPath(cacheId: string): string {
    return join(this.#dirs, assertCacheId(cacheId));
  }

  async applyLayer(parentCacheId: string | undefined, tar: Readable): Promise<AppliedLayer> {
    const cacheId = newCacheId();
    const stage = join(this.#staging, cacheId);
    const metaStage = join(this.#staging, `${cacheId}.tar-split`);
    let record: TarSplitRecorder | undefined;
    try {
      await this.#copyParent(parentCacheId, stage);
      await mkdir(metaStage, { mode: 0o700 });
      record = new TarSplitRecorder(metaStage, stage);
      const res = await extractLayer(stage, tar, { format: 'vfs', allowDevices: this.#allowDevices, record });
      await this.#commit(stage, cacheId, parentCacheId, metaStage);
      return { cacheId, ...res };
    } catch (err) {
      tar.destroy();
      await record?.abort();
      await rm(stage, { recursive: true, force: true });
      await rm(metaStage, { recursive: true, force: true });
      await rm(join(this.#records, cacheId), { recursive: true, force: true });
      await rm(join(this.#parents, cacheId), { force: true });
      throw err;
    }
  }

  async createRwLayer(parentCacheId: string | undefined): Promise<string> {
    const cacheId = newCacheId();
    const stage = join(this.#staging, cacheId);
    try {
      await this.#copyParent(parentCacheId, stage);
      await this.#commit(stage, cacheId, parentCacheId);
      return cacheId;
    } catch (err) {
      await rm(stage, { recursive: true, force: true });
      await rm(join(this.#parents, cacheId), { force: true });
      throw err;
    }
  }

  async removeLayer(cacheId: string): Promise<void> {
    const dir = this.layerPath(cacheId);
    if (!existsSync(dir)) return;
    const trash = join(this.#staging, `rm-${cacheId}-${randomBytes(4).toString('hex')}`);
    await rename(dir, trash); // out of sight first, so a half-deleted layer never looks usable
    await rm(join(this.#parents, cacheId), { force: true });
    await rm(join(this.#records, cacheId), { recursive: true, force: true });
    forgetTarSplit(join(this.#records, cacheId));
    await rm(trash, { recursive: true, force: true });
  }

  // A vfs layer is already its whole rootfs: nothing to mount, so nothing to order either
  // (removeLayer's rename is atomic; a mount asked for after it finds no layer).

  rootfsPath(cacheId: string): string {
    return this.layerPath(cacheId);
  }

  async mount(cacheId: string): Promise<string> {
    return this.#existing(cacheId);
  }

  async unmount(): Promise<void> {}

  withTree<T>(cacheId: string, _scratch: string, fn: (root: string) => Promise<T>): Promise<T> {
    return fn(this.layerPath(cacheId));
  }

  rwTree(cacheId: string): RwTree {
    return { kind: 'full', dir: this.layerPath(cacheId) };
  }

  graphData(): null {
    return null; // as dockerd's vfs: no directories worth showing beyond the rootfs
  }

  async listCacheIds(): Promise<string[]> {
    return readdirSync(this.#dirs).filter(isCacheId).sort();
  }

  async lowerDirs(cacheId: string): Promise<string[]> {
    return [this.#existing(cacheId)]; // a vfs layer is already the whole rootfs
  }

  tarLayer(cacheId: string): Readable {
    const dir = this.#existing(cacheId);
    const record = join(this.#records, cacheId);
    if (hasTarSplit(record)) return byteStream(assembleTar(record, dir));
    const parentId = this.#parentOf(cacheId);
    const parent = parentId ? this.#existing(parentId) : undefined;
    return byteStream((async function* () {
      const cx = await dumpXattrs(dir);
      const px = parent ? await dumpXattrs(parent) : new Map();
      yield* tarChunks(vfsChanges(dir, parent, cx, px), cx);
    })());
  }

  async layerTarSize(cacheId: string): Promise<number> {
    this.#existing(cacheId);
    const record = join(this.#records, cacheId);
    return hasTarSplit(record) ? tarSplitSize(record) : streamSize(this.tarLayer(cacheId));
  }

  diskUsage(cacheId: string): Promise<DiskUsage> {
    return usage(this.#existing(cacheId));
  }

  #existing(cacheId: string): string {
    if (!this.exists(cacheId)) throw notFound(`layer ${cacheId} not found in vfs store`);
    return this.layerPath(cacheId);
  }

  #parentOf(cacheId: string): string | undefined {
    const p = join(this.#parents, cacheId);
    return existsSync(p) ? readFileSync(p, 'utf8').trim() || undefined : undefined;
  }

  async #copyParent(parentCacheId: string | undefined, stage: string): Promise<void> {
    if (parentCacheId === undefined) {
      await mkdir(stage);
      await chmod(stage, 0o755);
      return;
    }
    await run('cp', ['-a', '--reflink=auto', '--', `${this.#existing(parentCacheId)}/.`, stage]);
  }

  async #commit(stage: string, cacheId: string, parentCacheId: string | undefined, metaStage?: string): Promise<void> {
    // The records first: a record without a dir is debris, a dir without one is not.
    await writeFile(join(this.#parents, cacheId), parentCacheId ?? '');
    await syncFs(stage); // one filesystem: this flushes the staged tar-split record too
    if (metaStage) await rename(metaStage, join(this.#records, cacheId));
    await rename(stage, this.layerPath(cacheId));
  }
}
