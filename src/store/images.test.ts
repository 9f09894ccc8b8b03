// The images table's clean-up of layers a crash left without their image (the layer rows are
// committed as each layer is complete, the image row after the last).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from './database.ts';
import { ImagesTable, type LayerRow } from './images.ts';

const layer = (n: string, parent: string | null): LayerRow => ({ chainId: `sha256:c${n}`, diffId: `sha256:d${n}`, parent, cacheId: `cache${n}`, size: 1 });

test('layers no image uses are deleted, children before their parents; an image\'s chain stays', () => {
  const db = new Database(':memory:');
  const t = new ImagesTable(db);
  // An image on 1 <- 2; a pull that committed 3 <- 4 <- 5 on top of 2 and died before its image.
  for (const l of [layer('1', null), layer('2', 'sha256:c1'), layer('3', 'sha256:c2'), layer('4', 'sha256:c3'), layer('5', 'sha256:c4')]) t.putLayer(l);
  t.putImage({ id: 'sha256:image', topChain: 'sha256:c2', createdAt: '2026-01-01T00:00:00Z', lastTagTime: null, parent: null }, ['sha256:c1', 'sha256:c2']);
  const gone = t.transaction(() => t.deleteUnusedLayers());
  assert.deepEqual(gone.map((l) => l.chainId), ['sha256:c5', 'sha256:c4', 'sha256:c3']);
  assert.deepEqual([...t.allCacheIds()].sort(), ['cache1', 'cache2']);
  assert.deepEqual(t.transaction(() => t.deleteUnusedLayers()), [], 'nothing more on a second pass');
  db.close();
});
