// What the image service needs from the layer store (src/image/layers): build a layer from an
// uncompressed tar on top of a parent, remove one, stream one back out.
import type { Readable } from 'node:stream';

export interface LayerBackend {
  readonly driver: string;
  applyLayer(parentCacheId: string | undefined, tar: Readable): Promise<{ cacheId: string; diffId: string; size: number }>;
  removeLayer(cacheId: string): Promise<void> | void;
  listCacheIds(): Promise<string[]> | string[];
  tarLayer(cacheId: string): Readable;
  layerPath(cacheId: string): string;
  lowerDirs?(cacheId: string): string[];
}
