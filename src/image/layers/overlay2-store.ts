// overlay2, laid out as dockerd's graphdriver does it:
//   <root>/overlay2/<cacheId>/diff/   the layer's files, whiteouts in overlayfs's format
//   <root>/overlay2/<cacheId>/link    its 26-char short id
//   <root>/overlay2/<cacheId>/lower   "l/SHORT:l/SHORT..." parents nearest first (not for base layers)
//   <root>/overlay2/<cacheId>/work/   overlayfs's work dir when used as an upper (not for base layers)
//   <root>/overlay2/<cacheId>/merged/ where a writable layer's rootfs is mounted (mount())
//   <root>/overlay2/<cacheId>/tar-split.json.gz  the tar as extracted, for byte-exact export
//   <root>/overlay2/<cacheId>/tar-split.lost/    bodies the same tar overwrote (rare; see tar-split.ts)
//   <root>/overlay2/l/<short>         -> ../<cacheId>/diff
// A layer is built in <root>/overlay2/.staging/<cacheId> and renamed into place when complete:
// the rename is the commit, so a crash leaves only staging debris, which opening the store clears;
// the tar-split record is written inside the staging dir, so no layer ever exists without it.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidParameter, notFound } from '../../api/types/errors.ts';
import { extractLayer } from './extract.ts';
import { DeletedLater } from '../../lib/deleted-later.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import { isMountRoot, mountOverlay, type Mounter, unmount as unmountPath, unmountOrDetach, withLowerOverlay } from './mount.ts';
import { assertCacheId, fsyncAll, isCacheId, newCacheId, streamSize, syncFs, usage, type AppliedLayer, type DiskUsage, type LayerStore, type LayerStoreOptions, type RwTree } from './store.ts';
import { byteStream, overlayChanges, tarChunks } from './tar-layer.ts';
import { dumpXattrs } from './xattr.ts';
import { TarSplitRecorder } from './tar-split.ts';
import { assembleTar, forgetTarSplit, hasTarSplit, tarSplitSize } from './tar-split-assemble.ts';

const LINKS = 'l';
const STAGING = '.staging';
/** Docker's limit: deeper stacks would not fit a page of mount options even with short names. */
export const MAX_DEPTH = 125;

export class Overlay2Store implements LayerStore {
  /** overlay2, or fuse-overlayfs: the same layout and layers, mounted by fuse-overlayfs. */
  readonly driver: 'overlay2' | 'fuse-overlayfs';
  readonly #mounter: Mounter;
  /** <root>/overlay2: also the cwd for mounts, so "l/SHORT" lowerdirs resolve. */
  readonly home: string;
  readonly #allowDevices: boolean;
  readonly #warn: (msg: string, fields: Record<string, string>) => void;
  readonly #removals: DeletedLater;
  /** Mounts, unmounts and removal of each layer, one at a time (see LayerStore). */
  readonly #mounts = new KeyedMutex();

  constructor(root: string, opts: LayerStoreOptions = {}, mounter: Mounter = 'kernel') {
    this.#mounter = mounter;
    this.driver = mounter === 'fuse' ? 'fuse-overlayfs' : 'overlay2';
    this.home = join(root, 'overlay2');
    this.#allowDevices = opts.allowDevices ?? false;
    this.#warn = opts.warn ?? (() => undefined);
    this.#removals = new DeletedLater((path, err) => this.#warn('cannot delete a removed layer', { path, error: err.message }));
    mkdirSync(join(this.home, LINKS), { recursive: true });
    chmodSync(this.home, 0o710);
    chmodSync(join(this.home, LINKS), 0o700);
    this.#recover();
  }

  exists(cacheId: string): boolean {
    return existsSync(join(this.#dir(cacheId), 'diff'));
  }

  layerPath(cacheId: string): string {
    return join(this.#dir(cacheId), 'diff');
  }

  /** The work/ dir overlayfs needs beside a layer used as an upper (layers with a parent, rw layers). */
  workPath(cacheId: string): string {
    return join(this.#dir(cacheId), 'work');
  }

  async applyLayer(parentCacheId: string | undefined, tar: Readable): Promise<AppliedLayer> {
    const cacheId = newCacheId();
    const stage = join(this.home, STAGING, cacheId);
    let record: TarSplitRecorder | undefined;
    try {
      const lower = this.#lowerFor(parentCacheId);
      this.#stage(stage, lower);
      record = new TarSplitRecorder(stage, join(stage, 'diff'));
      const res = await extractLayer(join(stage, 'diff'), tar, { format: 'overlay', allowDevices: this.#allowDevices, record });
      await this.#commit(stage, cacheId);
      return { cacheId, ...res };
    } catch (err) {
      tar.destroy();
      await record?.abort();
      await rm(stage, { recursive: true, force: true });
      throw err;
    }
  }

  async createRwLayer(parentCacheId: string | undefined): Promise<string> {
    const cacheId = newCacheId();
    const stage = join(this.home, STAGING, cacheId);
    try {
      this.#stage(stage, this.#lowerFor(parentCacheId), true);
      // Four small entries: their own fsyncs are a fraction of a syncfs through `sync -f`,
      // which is a process spawn on the path of every `docker create`.
      await fsyncAll([stage, ...['link', 'lower'].filter((f) => existsSync(join(stage, f))).map((f) => join(stage, f))]);
      await this.#commit(stage, cacheId, true);
      return cacheId;
    } catch (err) {
      await rm(stage, { recursive: true, force: true });
      throw err;
    }
  }

  /** In the queue of the layer's mounts: a mount or unmount asked for before (an exit's
   * unmount, a copy's release) is done first, and one asked for after finds no layer and makes
   * nothing. Without the queue, an exit's unmount still on its way would miss a target renamed
   * from under it and leave the overlay mounted in the staging debris. */
  removeLayer(cacheId: string): Promise<void> {
    return this.#mounts.run(cacheId, () => this.#remove(cacheId));
  }

  rootfsPath(cacheId: string): string {
    return join(this.#dir(cacheId), 'merged');
  }

  mount(cacheId: string): Promise<string> {
    return this.#mounts.run(cacheId, async () => {
      const target = this.rootfsPath(cacheId);
      if (isMountRoot(target)) return target;
      const dirs = await this.lowerDirs(cacheId); // 404 before anything is made for a gone layer
      mkdirSync(target, { recursive: true }); // on every start: no thread-pool round trip
      await mountOverlay(dirs.slice(1), dirs[0]!, this.workPath(cacheId), target, this.#mounter);
      return target;
    });
  }

  unmount(cacheId: string): Promise<void> {
    return this.#mounts.run(cacheId, async () => {
      const target = this.rootfsPath(cacheId);
      if (isMountRoot(target)) await unmountPath(target);
    });
  }

  async withTree<T>(cacheId: string, scratch: string, fn: (root: string) => Promise<T>): Promise<T> {
    return withLowerOverlay(await this.lowerDirs(cacheId), scratch, fn, this.#mounter);
  }

  rwTree(cacheId: string): RwTree {
    return { kind: 'overlay', upper: this.layerPath(cacheId) };
  }

  graphData(cacheId: string, parents: readonly string[]): Record<string, string> {
    return {
      ...(parents.length && { LowerDir: parents.map((p) => this.layerPath(p)).join(':') }),
      MergedDir: this.rootfsPath(cacheId),
      UpperDir: this.layerPath(cacheId),
      WorkDir: this.workPath(cacheId),
    };
  }

  async #remove(cacheId: string): Promise<void> {
    const dir = this.#dir(cacheId);
    if (!existsSync(dir)) return;
    // A rootfs still mounted at <dir>/merged would move with the rename, stay mounted for good,
    // and let the deletion reach into it: unmounted first, lazily when busy.
    const merged = this.rootfsPath(cacheId);
    if (isMountRoot(merged) && (await unmountOrDetach(merged)) === 'detached') this.#warn('busy mount in a removed layer detached lazily', { path: merged });
    const short = existsSync(join(dir, 'link')) ? readFileSync(join(dir, 'link'), 'utf8').trim() : '';
    // Out of sight first (a half-deleted layer must never look usable), then delete.
    const trash = join(this.home, STAGING, `rm-${cacheId}-${randomBytes(4).toString('hex')}`);
    renameSync(dir, trash);
    forgetTarSplit(dir);
    if (short) await rm(join(this.home, LINKS, short), { force: true }); // dangling now: nothing resolves it
    // The layer is gone once renamed away: its files are deleted behind the caller (a container's
    // removal waits for nothing more; a crash leaves staging debris, which opening the store clears).
    this.#removals.add(trash);
  }

  /** Resolves once the files of every removed layer are deleted. */
  removalsDone(): Promise<void> {
    return this.#removals.done();
  }

  async listCacheIds(): Promise<string[]> {
    return readdirSync(this.home).filter((n) => isCacheId(n) && this.exists(n)).sort();
  }

  /** Synchronous: a few bytes per layer, read on the path of every start (a thread-pool round
   * trip per file would cost more than the reads). */
  async lowerDirs(cacheId: string): Promise<string[]> {
    const dir = this.#existing(cacheId);
    let lower = '';
    try {
      lower = readFileSync(join(dir, 'lower'), 'utf8').trim();
    } catch {
      // the bottom layer has no `lower`
    }
    const parents = lower === '' ? [] : lower.split(':');
    const out = [join(dir, 'diff')];
    // Each l/SHORT link reads "../<cacheId>/diff": resolved against the l/ directory.
    for (const p of parents) out.push(resolve(this.home, LINKS, readlinkSync(join(this.home, p))));
    return out;
  }

  tarLayer(cacheId: string): Readable {
    const dir = this.#existing(cacheId);
    const diff = join(dir, 'diff');
    if (hasTarSplit(dir)) return byteStream(assembleTar(dir, diff));
    return byteStream((async function* () {
      const xattrs = await dumpXattrs(diff);
      yield* tarChunks(overlayChanges(diff, xattrs), xattrs);
    })());
  }

  async layerTarSize(cacheId: string): Promise<number> {
    const dir = this.#existing(cacheId);
    return hasTarSplit(dir) ? tarSplitSize(dir) : streamSize(this.tarLayer(cacheId));
  }

  diskUsage(cacheId: string): Promise<DiskUsage> {
    return usage(join(this.#existing(cacheId), 'diff'));
  }

  #dir(cacheId: string): string {
    return join(this.home, assertCacheId(cacheId));
  }

  #existing(cacheId: string): string {
    if (!this.exists(cacheId)) throw notFound(`layer ${cacheId} not found in overlay2 store`);
    return this.#dir(cacheId);
  }

  // Staging, committing and the parent's link files: a handful of tiny metadata operations,
  // done synchronously (microseconds each) rather than a thread-pool round trip apiece, which
  // is most of a `docker create`'s time otherwise. Only fsync and the tree removals go async.

  /** The "lower" file content for a child of parentCacheId (undefined for a base layer). */
  #lowerFor(parentCacheId: string | undefined): string | undefined {
    if (parentCacheId === undefined) return undefined;
    const dir = this.#existing(parentCacheId);
    const short = readFileSync(join(dir, 'link'), 'utf8').trim();
    const grand = existsSync(join(dir, 'lower')) ? readFileSync(join(dir, 'lower'), 'utf8').trim() : '';
    const lower = grand ? `${LINKS}/${short}:${grand}` : `${LINKS}/${short}`;
    if (lower.split(':').length > MAX_DEPTH) throw invalidParameter(`max depth exceeded: a rootfs may have at most ${MAX_DEPTH} layers`);
    return lower;
  }

  #stage(stage: string, lower: string | undefined, forceWork = false): void {
    mkdirSync(stage);
    chmodSync(stage, 0o710);
    mkdirSync(join(stage, 'diff'));
    chmodSync(join(stage, 'diff'), 0o755);
    writeFileSync(join(stage, 'link'), shortId());
    if (lower !== undefined) writeFileSync(join(stage, 'lower'), lower);
    if (lower !== undefined || forceWork) mkdirSync(join(stage, 'work'), { mode: 0o700 });
  }

  async #commit(stage: string, cacheId: string, synced = false): Promise<void> {
    if (!synced) await syncFs(stage);
    renameSync(stage, this.#dir(cacheId));
    const short = readFileSync(join(this.#dir(cacheId), 'link'), 'utf8').trim();
    symlinkSync(`../${cacheId}/diff`, join(this.home, LINKS, short));
  }

  /** Opening the store (once, at daemon start, hence sync): drop staging debris and dangling
   * short links, restore missing links. The daemon has unmounted anything left mounted in the
   * debris before (stale-mounts.ts); what still cannot go is logged, never fatal. */
  #recover(): void {
    const staging = join(this.home, STAGING);
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch (err) {
      this.#warn('cannot clear the layer staging directory', { path: staging, error: (err as Error).message });
    }
    mkdirSync(staging, { recursive: true, mode: 0o700 });
    const links = join(this.home, LINKS);
    for (const name of readdirSync(links)) {
      if (!existsSync(join(links, name))) unlinkSync(join(links, name)); // existsSync follows the link
    }
    for (const id of readdirSync(this.home).filter(isCacheId)) {
      const short = existsSync(join(this.home, id, 'link')) ? readFileSync(join(this.home, id, 'link'), 'utf8').trim() : '';
      if (short && !existsSync(join(links, short))) symlinkSync(`../${id}/diff`, join(links, short));
    }
  }
}

/** 26 characters of base32 (A-Z2-7), as docker's overlay2 generateID: 130 random bits. */
function shortId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(26)].map((b) => alphabet[b & 31]).join('');
}
