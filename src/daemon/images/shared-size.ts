// An image's SharedSize, as dockerd's `images?shared-size=1` and `system df` give it: the bytes of
// its layers that another image also has (a chain of layers is shared from the bottom up, so a
// chain id names one stack of layers whoever uses it).
import type { ImagesTable } from '../../store/images.ts';

/** SharedSize by image id, for every image the table has. */
export function sharedSizes(table: Pick<ImagesTable, 'listImages' | 'layersOf'>): Map<string, number> {
  const layersByImage = new Map(table.listImages().map((row) => [row.id, table.layersOf(row.id)] as const));
  const users = new Map<string, number>();
  for (const layers of layersByImage.values()) for (const l of new Set(layers.map((x) => x.chainId))) users.set(l, (users.get(l) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const [id, layers] of layersByImage) out.set(id, layers.reduce((n, l) => ((users.get(l.chainId) ?? 0) > 1 ? n + l.size : n), 0));
  return out;
}
