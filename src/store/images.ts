// Images, their layers and references in the metadata store. Every multi-row change runs in
// one transaction, so a crash leaves either the old or the new state, never a mix.
import type { Database } from './database.ts';

export interface LayerRow {
  chainId: string;
  diffId: string;
  parent: string | null;
  cacheId: string;
  size: number;
}

export interface ImageRow {
  id: string;
  topChain: string | null;
  createdAt: string;
  lastTagTime: string | null;
  parent: string | null;
}

export interface RefRow {
  ref: string;
  imageId: string;
  kind: 'tag' | 'digest';
}

export interface LayerBlob {
  diffId: string;
  blobDigest: string;
  mediaType: string;
  size: number;
  repository: string;
}

type Row = Record<string, string | number | null>;
const layer = (r: Row): LayerRow => ({ chainId: r.chain_id as string, diffId: r.diff_id as string, parent: r.parent as string | null, cacheId: r.cache_id as string, size: Number(r.size) });
const image = (r: Row): ImageRow => ({ id: r.id as string, topChain: r.top_chain as string | null, createdAt: r.created_at as string, lastTagTime: r.last_tag_time as string | null, parent: r.parent as string | null });

export class ImagesTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }

  getLayer(chainId: string): LayerRow | undefined {
    const r = this.#db.statement('SELECT * FROM layers WHERE chain_id = ?').get(chainId) as Row | undefined;
    return r && layer(r);
  }

  putLayer(l: LayerRow): void {
    this.#db.statement('INSERT INTO layers (chain_id, diff_id, parent, cache_id, size) VALUES (?, ?, ?, ?, ?)').run(l.chainId, l.diffId, l.parent, l.cacheId, l.size);
  }

  layerWithDiffId(diffId: string): LayerRow | undefined {
    const r = this.#db.statement('SELECT * FROM layers WHERE diff_id = ? LIMIT 1').get(diffId) as Row | undefined;
    return r && layer(r);
  }

  allCacheIds(): Set<string> {
    return new Set((this.#db.statement('SELECT cache_id FROM layers').all() as Row[]).map((r) => r.cache_id as string));
  }

  layersOf(imageId: string): LayerRow[] {
    const rows = this.#db.statement('SELECT l.* FROM image_layers il JOIN layers l ON l.chain_id = il.chain_id WHERE il.image_id = ? ORDER BY il.position').all(imageId) as Row[];
    return rows.map(layer);
  }

  getImage(id: string): ImageRow | undefined {
    const r = this.#db.statement('SELECT * FROM images WHERE id = ?').get(id) as Row | undefined;
    return r && image(r);
  }

  listImages(): ImageRow[] {
    return (this.#db.statement('SELECT * FROM images ORDER BY created_at DESC').all() as Row[]).map(image);
  }

  imagesByIdPrefix(hexPrefix: string): ImageRow[] {
    const rows = this.#db.statement("SELECT * FROM images WHERE id >= ? AND id < ? LIMIT 2").all(`sha256:${hexPrefix}`, `sha256:${hexPrefix}\u{10ffff}`) as Row[];
    return rows.map(image);
  }

  /** Insert the image (if new) with its layer chain. */
  putImage(img: ImageRow, chainIds: readonly string[]): boolean {
    if (this.getImage(img.id)) return false;
    this.#db.statement('INSERT INTO images (id, top_chain, created_at, last_tag_time, parent) VALUES (?, ?, ?, ?, ?)').run(img.id, img.topChain, img.createdAt, img.lastTagTime, img.parent);
    const add = this.#db.statement('INSERT INTO image_layers (image_id, position, chain_id) VALUES (?, ?, ?)');
    chainIds.forEach((c, i) => add.run(img.id, i, c));
    return true;
  }

  /** Images whose parent is id (commit and legacy-load children). */
  childrenOf(id: string): string[] {
    return (this.#db.statement('SELECT id FROM images WHERE parent = ?').all(id) as Row[]).map((r) => r.id as string);
  }

  /** Every image that is another image's parent. */
  parentIds(): Set<string> {
    return new Set((this.#db.statement('SELECT DISTINCT parent FROM images WHERE parent IS NOT NULL').all() as Row[]).map((r) => r.parent as string));
  }

  touchTagTime(id: string, time: string): void {
    this.#db.statement('UPDATE images SET last_tag_time = ? WHERE id = ?').run(time, id);
  }

  resolveRef(ref: string): RefRow | undefined {
    const r = this.#db.statement('SELECT * FROM image_refs WHERE ref = ?').get(ref) as Row | undefined;
    return r && { ref: r.ref as string, imageId: r.image_id as string, kind: r.kind as RefRow['kind'] };
  }

  refsOf(imageId: string): RefRow[] {
    const rows = this.#db.statement('SELECT * FROM image_refs WHERE image_id = ? ORDER BY ref').all(imageId) as Row[];
    return rows.map((r) => ({ ref: r.ref as string, imageId, kind: r.kind as RefRow['kind'] }));
  }

  allRefs(): RefRow[] {
    const rows = this.#db.statement('SELECT * FROM image_refs ORDER BY ref').all() as Row[];
    return rows.map((r) => ({ ref: r.ref as string, imageId: r.image_id as string, kind: r.kind as RefRow['kind'] }));
  }

  /** Point ref at imageId; returns the image it pointed at before, if another. */
  setRef(ref: string, imageId: string, kind: RefRow['kind']): string | undefined {
    const before = this.resolveRef(ref)?.imageId;
    this.#db.statement('INSERT INTO image_refs (ref, image_id, kind) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET image_id = excluded.image_id').run(ref, imageId, kind);
    return before !== imageId ? before : undefined;
  }

  deleteRef(ref: string): void {
    this.#db.statement('DELETE FROM image_refs WHERE ref = ?').run(ref);
  }

  /** Delete the image row; returns the layers no image uses any more (rows deleted too). */
  deleteImage(id: string): LayerRow[] {
    const layers = this.layersOf(id);
    this.#db.statement('DELETE FROM images WHERE id = ?').run(id);
    const orphans: LayerRow[] = [];
    for (const l of layers.reverse()) {
      const used = this.#db.statement('SELECT 1 FROM image_layers WHERE chain_id = ? LIMIT 1').get(l.chainId);
      const child = this.#db.statement('SELECT 1 FROM layers WHERE parent = ? LIMIT 1').get(l.chainId);
      if (used || child) continue;
      this.#db.statement('DELETE FROM layers WHERE chain_id = ?').run(l.chainId);
      orphans.push(l);
    }
    return orphans;
  }

  /** Layers no image uses (a crash between a layer's commit and its image's leaves them),
   * children before parents; their rows are deleted and returned. */
  deleteUnusedLayers(): LayerRow[] {
    const unused = this.#db.statement('SELECT * FROM layers l WHERE NOT EXISTS (SELECT 1 FROM image_layers il WHERE il.chain_id = l.chain_id) AND NOT EXISTS (SELECT 1 FROM layers c WHERE c.parent = l.chain_id)');
    const out: LayerRow[] = [];
    for (let rows = unused.all() as Row[]; rows.length; rows = unused.all() as Row[]) {
      for (const r of rows) this.#db.statement('DELETE FROM layers WHERE chain_id = ?').run(r.chain_id as string);
      out.push(...rows.map(layer));
    }
    return out;
  }

  addLayerBlob(b: LayerBlob): void {
    this.#db.statement('INSERT OR IGNORE INTO layer_blobs (diff_id, blob_digest, media_type, size, repository) VALUES (?, ?, ?, ?, ?)').run(b.diffId, b.blobDigest, b.mediaType, b.size, b.repository);
  }

  layerBlobs(diffId: string): LayerBlob[] {
    const rows = this.#db.statement('SELECT * FROM layer_blobs WHERE diff_id = ?').all(diffId) as Row[];
    return rows.map((r) => ({ diffId, blobDigest: r.blob_digest as string, mediaType: r.media_type as string, size: Number(r.size), repository: r.repository as string }));
  }

  /** Images whose layer chain contains chainId (for `rmi` conflicts and "children"). */
  imagesUsingLayer(chainId: string): string[] {
    return (this.#db.statement('SELECT DISTINCT image_id FROM image_layers WHERE chain_id = ?').all(chainId) as Row[]).map((r) => r.image_id as string);
  }
}
