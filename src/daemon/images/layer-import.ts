// Building an image's layer chain: each layer is applied on its parent unless the chain already
// exists, its diff id is checked against the image config, and its row is committed only after
// its directory is complete. A concurrent pull that committed the same chain first wins; our
// copy is removed.
import type { Readable } from 'node:stream';
import type { ImagesTable, LayerRow } from '../../store/images.ts';
import type { LayerStore } from '../../image/layers/index.ts';
import { chainIds } from '../../image/digest.ts';
import { invalidParameter } from '../../api/types/errors.ts';

export interface LayerSource {
  /** The diff id the image config declares for this layer, when known in advance. */
  diffId?: string;
  /** The layer as an uncompressed tar. */
  open(): Promise<Readable> | Readable;
}

export class LayerImporter {
  readonly #table: ImagesTable;
  readonly #layers: LayerStore;
  constructor(table: ImagesTable, layers: LayerStore) {
    this.#table = table;
    this.#layers = layers;
  }

  /** True when the chain of these diff ids up to index i is already in the store. */
  has(diffIds: readonly string[], i: number): boolean {
    return this.#table.getLayer(chainIds(diffIds.slice(0, i + 1)).at(-1)!) !== undefined;
  }

  /** Apply one layer on top of `parent` (a chain id or undefined for the base). */
  async apply(parent: LayerRow | undefined, source: LayerSource): Promise<LayerRow> {
    if (source.diffId) {
      const chain = chainIds([...this.#chainOf(parent), source.diffId]).at(-1)!;
      const existing = this.#table.getLayer(chain);
      if (existing) return existing;
    }
    const tar = await source.open();
    const made = await this.#layers.applyLayer(parent?.cacheId, tar);
    if (source.diffId && made.diffId !== source.diffId) {
      await this.#layers.removeLayer(made.cacheId);
      throw invalidParameter(`layer content does not match the image config: expected diff id ${source.diffId}, got ${made.diffId}`);
    }
    const chainId = chainIds([...this.#chainOf(parent), made.diffId]).at(-1)!;
    const row: LayerRow = { chainId, diffId: made.diffId, parent: parent?.chainId ?? null, cacheId: made.cacheId, size: made.size };
    const winner = this.#table.transaction(() => {
      const existing = this.#table.getLayer(chainId);
      if (existing) return existing;
      this.#table.putLayer(row);
      return row;
    });
    if (winner !== row) await this.#layers.removeLayer(made.cacheId);
    return winner;
  }

  #chainOf(top: LayerRow | undefined): string[] {
    const diffIds: string[] = [];
    for (let l = top; l; l = l.parent ? this.#table.getLayer(l.parent) : undefined) diffIds.unshift(l.diffId);
    return diffIds;
  }
}
