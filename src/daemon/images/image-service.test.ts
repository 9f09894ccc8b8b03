// ImageService.factsOf, the asynchronous reads behind GET /images/json and /system/df: the facts
// come in the order asked, each image's own config; an image removed while the list was being
// read is left out (its config may be gone with it), but a config missing for an image that
// is still there is an error, not a silent gap.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContentStore } from '../../image/content/content-store.ts';
import { VfsStore } from '../../image/layers/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { Database } from '../../store/database.ts';
import { EventsTable } from '../../store/events.ts';
import { ImagesTable } from '../../store/images.ts';
import { EventsService } from '../events/events-service.ts';
import { ImageService } from './image-service.ts';

function service(t: { after: (fn: () => void) => void }): { svc: ImageService; content: ContentStore } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-image-service-'));
  const db = new Database(':memory:');
  t.after(() => (db.close(), rmSync(dir, { recursive: true, force: true })));
  const content = new ContentStore(join(dir, 'content'));
  const svc = new ImageService({
    table: new ImagesTable(db), content, layers: new VfsStore(join(dir, 'layers')),
    events: new EventsService(new EventsTable(db)), logger: createLogger('error'),
  });
  return { svc, content };
}

const config = (n: number) => ({ architecture: 'amd64', os: 'linux', created: `2026-01-0${n}T00:00:00Z`, config: { Labels: { n: String(n) } }, rootfs: { type: 'layers', diff_ids: [] } });

test('facts in the order asked, each with its own config, in batches smaller than the list', async (t) => {
  const { svc } = service(t);
  const ids = [1, 2, 3, 4, 5].map((n) => svc.commitImage(config(n) as never, []));
  const rows = ids.map((id) => svc.table.getImage(id)!).reverse();
  const facts = await svc.factsOf(rows, 2);
  assert.deepEqual(facts.map((f) => f.row.id), [...ids].reverse());
  assert.deepEqual(facts.map((f) => f.config.config?.Labels?.n), ['5', '4', '3', '2', '1']);
});

test('an image removed meanwhile is left out; a missing config of a present image is an error', async (t) => {
  const { svc, content } = service(t);
  const [a, b] = [1, 2].map((n) => svc.commitImage(config(n) as never, []));
  const rows = [a!, b!].map((id) => svc.table.getImage(id)!);
  // b removed after the rows were taken, its config with it (as a prune or rmi does).
  svc.table.transaction(() => svc.table.deleteImage(b!));
  unlinkSync(content.path(b!));
  assert.deepEqual((await svc.factsOf(rows)).map((f) => f.row.id), [a]);
  // a still listed, its config gone: that is damage to report.
  unlinkSync(content.path(a!));
  await assert.rejects(svc.factsOf(rows), /not found/);
});
