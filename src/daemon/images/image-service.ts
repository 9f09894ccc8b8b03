// berthd's images: listing, inspecting, tagging, removing and pruning, plus the one way an
// image enters the store (commitImage) that import, pull and load all use.
import type { ImageRow, ImagesTable, LayerRow } from '../../store/images.ts';
import type { ContentStore } from '../../image/content/content-store.ts';
import type { ImageConfig } from '../../image/types.ts';
import type { EventsService } from '../events/events-service.ts';
import type { LayerStore } from '../../image/layers/index.ts';
import type { Logger } from '../../lib/logger.ts';
import { conflict, invalidParameter } from '../../api/types/errors.ts';
import { familiarString, formatReference, parseReference, type Reference } from '../../image/reference.ts';
import { resolveImage } from './image-resolver.ts';
import { imageFacts, imageFactsAsync, type ImageFacts } from './image-views.ts';
import { LayerImporter } from './layer-import.ts';

export interface ImageServiceDeps {
  table: ImagesTable;
  content: ContentStore;
  layers: LayerStore;
  events: EventsService;
  logger: Logger;
  /** Containers using an image (the containers issue plugs this in). */
  containersUsing?: (imageId: string) => { id: string; running: boolean }[];
}

export type DeleteResult = { Untagged: string } | { Deleted: string };

export class ImageService {
  readonly deps: ImageServiceDeps;
  readonly importer: LayerImporter;

  constructor(deps: ImageServiceDeps) {
    this.deps = deps;
    this.importer = new LayerImporter(deps.table, deps.layers);
  }

  get table(): ImagesTable {
    return this.deps.table;
  }

  resolve(name: string): ImageRow {
    return resolveImage(this.deps.table, name);
  }

  facts(row: ImageRow): ImageFacts {
    return imageFacts(this.deps.table, this.deps.content, row);
  }

  all(): ImageFacts[] {
    return this.deps.table.listImages().map((r) => this.facts(r));
  }

  /** The facts of rows, their configs read asynchronously a batch at a time (each config holds
   * the history of every build step before it: read all at once, they held the loop for
   * seconds after a long build), in the order given. A row whose image was removed while its
   * config was read is left out, as if the list had been taken a moment later. */
  async factsOf(rows: ImageRow[], batch = 16): Promise<ImageFacts[]> {
    const out: ImageFacts[] = [];
    const present = (r: ImageRow) => this.deps.table.getImage(r.id) !== undefined;
    const read = (r: ImageRow) => imageFactsAsync(this.deps.table, this.deps.content, r).then(
      (f) => (present(r) ? f : undefined),
      (err: unknown) => {
        if (present(r)) throw err;
        return undefined;
      },
    );
    for (let i = 0; i < rows.length; i += batch) {
      for (const f of await Promise.all(rows.slice(i, i + batch).map(read))) if (f) out.push(f);
    }
    return out;
  }

  /** Bytes of all layers in the store, each counted once. */
  layersSize(): number {
    const seen = new Map<string, number>();
    for (const img of this.deps.table.listImages()) for (const l of this.deps.table.layersOf(img.id)) seen.set(l.chainId, l.size);
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }

  count(): number {
    return this.deps.table.listImages().length;
  }

  /** Store a config made here (import, commit) as an image; see commitImageBytes. */
  commitImage(config: ImageConfig, layers: LayerRow[], refs: { ref: Reference; kind: 'tag' | 'digest' }[] = [], parent?: string): string {
    return this.commitImageBytes(Buffer.from(JSON.stringify(config)), layers, refs, parent);
  }

  /**
   * Store config bytes (exactly as given: pull and load keep the registry's bytes, so the id
   * stays the config digest) with its layer chain as an image, and point refs at it — one
   * transaction, after every layer is complete.
   */
  commitImageBytes(configBytes: Buffer, layers: LayerRow[], refs: { ref: Reference; kind: 'tag' | 'digest' }[] = [], parent?: string): string {
    const id = this.deps.content.putBytes(configBytes);
    const now = new Date().toISOString();
    this.deps.table.transaction(() => {
      this.deps.table.putImage({ id, topChain: layers.at(-1)?.chainId ?? null, createdAt: now, lastTagTime: null, parent: parent ?? null }, layers.map((l) => l.chainId));
      for (const { ref, kind } of refs) this.deps.table.setRef(formatReference(ref), id, kind);
    });
    return id;
  }

  tag(source: string, repo: string, tag: string | undefined): void {
    const image = this.resolve(source);
    const ref = parseReference(tag ? `${repo}:${tag}` : repo);
    if (ref.digest) throw invalidParameter('refusing to create a tag with a digest reference');
    const full = { ...ref, tag: ref.tag ?? 'latest' };
    const now = new Date().toISOString();
    this.deps.table.transaction(() => {
      this.deps.table.setRef(formatReference(full), image.id, 'tag');
      this.deps.table.touchTagTime(image.id, now);
    });
    this.deps.events.emit('image', 'tag', image.id, { name: familiarString(full) });
  }

  async remove(name: string, opts: { force: boolean; noprune: boolean }): Promise<DeleteResult[]> {
    const image = this.resolve(name);
    const refs = this.deps.table.refsOf(image.id);
    const named = this.#namedRef(name, image.id);
    const users = this.deps.containersUsing?.(image.id) ?? [];
    const out: DeleteResult[] = [];
    const tags = refs.filter((r) => r.kind === 'tag');
    if (named) {
      // By name: another tag keeps the image (only this name goes); a container keeps it
      // unless forced, and even then only the name goes — dockerd's rules.
      const others = tags.filter((r) => r.ref !== named);
      if (others.length > 0 || (users.length > 0 && opts.force)) {
        this.#untag(named, image.id, out);
        return out;
      }
      if (users.length > 0) {
        throw conflict(`conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(users[0]!.id)} is using its referenced image ${shortId(image.id)}`);
      }
    } else {
      if (this.deps.table.childrenOf(image.id).length > 0) {
        throw conflict(`conflict: unable to delete ${shortId(image.id)} (cannot be forced) - image has dependent child images`);
      }
      if (users.length) {
        const running = users.some((u) => u.running);
        if (running || !opts.force) {
          const how = running ? 'cannot be forced' : 'must be forced';
          throw conflict(`conflict: unable to delete ${shortId(image.id)} (${how}) - image is being used by ${running ? 'running' : 'stopped'} container ${shortId(users[0]!.id)}`);
        }
        // Forced with stopped containers: the names go, the image stays for its containers.
        for (const r of refs) this.#untag(r.ref, image.id, out);
        return out;
      }
      if (tags.length > 1 && !opts.force) {
        throw conflict(`conflict: unable to delete ${shortId(image.id)} (must be forced) - image is referenced in multiple repositories`);
      }
    }
    for (const r of refs) this.#untag(r.ref, image.id, out);
    // Untagged by name, an image with children stays as their (hidden) parent, as in dockerd.
    if (this.deps.table.childrenOf(image.id).length > 0) return out;
    await this.#deleteImage(image.id, out);
    if (!opts.noprune) await this.#pruneParents(image.parent, out);
    return out;
  }

  /** dockerd's parent pruning after a delete: each parent in turn goes too while it has no
   * reference, no other child and no container. */
  async #pruneParents(parent: string | null, out: DeleteResult[]): Promise<number> {
    let freed = 0;
    for (let id = parent; id; ) {
      const row = this.deps.table.getImage(id);
      if (!row || this.deps.table.refsOf(id).length > 0 || this.deps.table.childrenOf(id).length > 0) break;
      if ((this.deps.containersUsing?.(id).length ?? 0) > 0) break;
      freed += await this.#deleteImage(id, out);
      id = row.parent;
    }
    return freed;
  }

  #namedRef(name: string, imageId: string): string | undefined {
    if (/^(sha256:)?[a-f0-9]{1,64}$/.test(name) && !this.deps.table.resolveRef(refString(name) ?? '')) return undefined;
    const ref = refString(name);
    return ref && this.deps.table.resolveRef(ref)?.imageId === imageId ? ref : undefined;
  }

  #untag(ref: string, imageId: string, out: DeleteResult[]): void {
    this.deps.table.deleteRef(ref);
    const familiar = familiarString(parseReference(ref));
    out.push({ Untagged: familiar });
    this.deps.events.emit('image', 'untag', imageId, { name: familiar });
  }

  /** Returns the bytes of the layers that went with it. */
  async #deleteImage(id: string, out: DeleteResult[]): Promise<number> {
    const orphans = this.deps.table.transaction(() => this.deps.table.deleteImage(id));
    out.push({ Deleted: id });
    this.deps.events.emit('image', 'delete', id, { name: id });
    for (const layer of orphans) {
      await this.deps.layers.removeLayer(layer.cacheId);
      if (!this.deps.table.layerWithDiffId(layer.diffId)) {
        for (const b of this.deps.table.layerBlobs(layer.diffId)) this.deps.content.delete(b.blobDigest);
      }
      out.push({ Deleted: layer.chainId });
    }
    this.deps.content.delete(id);
    return orphans.reduce((n, l) => n + l.size, 0);
  }

  /** Dangling images (no tags), or with all=true every image no container uses. */
  async prune(all: boolean, keep: (f: ImageFacts) => boolean): Promise<{ ImagesDeleted: DeleteResult[] | null; SpaceReclaimed: number }> {
    const deleted: DeleteResult[] = [];
    let reclaimed = 0;
    for (const f of await this.factsOf(this.deps.table.listImages())) {
      // Gone already (a parent pruned with its last child), or an untagged parent, which
      // goes with its last child, as in dockerd.
      if (!this.deps.table.getImage(f.row.id)) continue;
      const refs = this.deps.table.refsOf(f.row.id);
      const children = this.deps.table.childrenOf(f.row.id).length > 0;
      if ((refs.length === 0 && children) || (!all && f.tags.length > 0) || keep(f) || (this.deps.containersUsing?.(f.row.id).length ?? 0) > 0) continue;
      for (const r of refs) this.#untag(r.ref, f.row.id, deleted);
      if (children) continue;
      reclaimed += await this.#deleteImage(f.row.id, deleted);
      reclaimed += await this.#pruneParents(f.row.parent, deleted);
    }
    if (deleted.length) this.deps.events.emit('image', 'prune', '', { reclaimed: String(reclaimed) });
    return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /**
   * At startup: layers no image uses (a crash after a layer's commit, before its image's) and
   * layer directories nothing refers to (a crash mid-pull or mid-removal) go, with the blobs
   * only they had. `alsoKnown` holds the containers' writable layers, in the same store.
   */
  async collectGarbage(alsoKnown: Set<string> = new Set()): Promise<void> {
    const unused = this.deps.table.transaction(() => this.deps.table.deleteUnusedLayers());
    for (const layer of unused) {
      this.deps.logger.info('removing a layer no image uses', { chainId: layer.chainId });
      if (!this.deps.table.layerWithDiffId(layer.diffId)) {
        for (const b of this.deps.table.layerBlobs(layer.diffId)) this.deps.content.delete(b.blobDigest);
      }
    }
    const known = new Set([...this.deps.table.allCacheIds(), ...alsoKnown]);
    for (const cacheId of await this.deps.layers.listCacheIds()) {
      if (!known.has(cacheId)) {
        this.deps.logger.info('removing orphaned layer directory', { cacheId });
        await this.deps.layers.removeLayer(cacheId);
      }
    }
  }
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function refString(name: string): string | undefined {
  try {
    const ref = parseReference(name);
    return formatReference(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' });
  } catch {
    return undefined;
  }
}
