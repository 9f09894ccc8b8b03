// --cache-from's host side against an in-process berthd: a named image found or not (never
// pulled), and a restored step — the parent plus the source's history entry and, for a step that
// made one, the source's own layer row (no new layer in the store; the image keeps it when the
// source is removed), with the build's config and the source's author. MAINTAINER's author
// (StepMeta) on the images the host makes is checked here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { inProcessDaemon } from '../../testing/in-process-daemon.ts';
import { DaemonBuildHost } from './build-host.ts';

let host: DaemonBuildHost;
const f = inProcessDaemon('berth-cache-from', { ready: (d) => (host = new DaemonBuildHost(d.daemon.buildHostDeps)) });
const skip = f.skip;

function fileTar(name: string, body: string): () => Readable {
  return () => {
    const p = pack();
    p.entry({ name, mode: 0o644 }, body);
    p.finalize();
    return p as unknown as Readable;
  };
}

const AUTHOR = 'Ann <ann@example.com>';

test('MAINTAINER\'s author: on the image and its new history entry, for config, file and container steps alike', { skip }, async () => {
  const a = await host.commitConfig(f.busybox, { Cmd: ['sh'] }, '/bin/sh -c #(nop)  MAINTAINER Ann', { author: AUTHOR });
  const b = await host.addFiles(a.id, fileTar('f.txt', 'f'), { Cmd: ['sh'] }, '/bin/sh -c #(nop) COPY file:f in / ', { author: AUTHOR });
  const ran = await host.runContainer(b.id, { Cmd: ['touch', '/ran'] }, { NetworkMode: 'none' }, () => undefined, new AbortController().signal);
  assert.equal(ran.exitCode, 0);
  const c = await host.commitContainer(ran.containerId, { Cmd: ['sh'] }, '/bin/sh -c touch /ran', { author: AUTHOR });
  await host.removeContainer(ran.containerId);
  const plain = await host.commitConfig(c.id, { Cmd: ['sh'] }, '/bin/sh -c #(nop)  ENV A=1');
  for (const id of [a.id, b.id, c.id]) {
    const img = host.imageConfig(id);
    assert.equal(img.author, AUTHOR);
    assert.equal(img.history?.at(-1)?.author, AUTHOR);
  }
  const img = host.imageConfig(plain.id);
  assert.equal(img.author, undefined, 'no meta, no author');
  assert.equal(img.history?.at(-1)?.author, undefined);
  assert.deepEqual(img.history?.map((h) => h.author ?? ''), ['', AUTHOR, AUTHOR, AUTHOR, ''], 'the earlier entries keep theirs');
});

test('--cache-from: local images only; a restored step shares the source\'s layer and has the build\'s config', { skip }, async () => {
  const d = f.daemon.buildHostDeps;
  assert.equal(host.localImage('busybox')?.id, f.busybox);
  assert.equal(host.localImage(f.busybox)?.id, f.busybox);
  assert.equal(host.localImage('nosuch:1'), undefined, 'not here: none, and nothing pulled');

  // The source, as a build elsewhere makes it: MAINTAINER, COPY, CMD on busybox.
  const m = await host.commitConfig(f.busybox, { Cmd: ['sh'] }, '/bin/sh -c #(nop)  MAINTAINER Ann', { author: AUTHOR });
  const c = await host.addFiles(m.id, fileTar('data.txt', 'restored data'), { Cmd: ['sh'] }, '/bin/sh -c #(nop) COPY file:d in / ', { author: AUTHOR });
  const src = await host.commitConfig(c.id, { Cmd: ['cat', '/data.txt'] }, '/bin/sh -c #(nop)  CMD ["cat" "/data.txt"]', { author: AUTHOR });
  const srcConfig = host.imageConfig(src.id);
  const layersBefore = d.images.table.allCacheIds().size;

  const r1 = await host.restoreCachedImage(f.busybox, src.id, 1, { Cmd: ['sh'], Env: ['FROM_BUILD=1'] });
  const r2 = await host.restoreCachedImage(r1.id, src.id, 2, { Cmd: ['sh'], Env: ['FROM_BUILD=2'] });
  assert.equal(d.images.table.allCacheIds().size, layersBefore, 'no layer made');
  const one = host.imageConfig(r1.id);
  const two = host.imageConfig(r2.id);
  assert.deepEqual(one.rootfs.diff_ids, host.imageConfig(f.busybox).rootfs.diff_ids, 'an empty_layer entry adds no layer');
  assert.deepEqual(two.rootfs.diff_ids, srcConfig.rootfs.diff_ids);
  assert.deepEqual(two.history, srcConfig.history?.slice(0, 3));
  assert.equal(two.created, srcConfig.history?.[2]?.created, 'created: the entry\'s time');
  assert.deepEqual(two.config, { Cmd: ['sh'], Env: ['FROM_BUILD=2'] });
  assert.equal(two.author, AUTHOR);
  assert.deepEqual(d.images.table.layersOf(r2.id).map((l) => l.chainId), d.images.table.layersOf(src.id).map((l) => l.chainId), 'the same layer rows');
  assert.equal(d.images.table.getImage(r2.id)?.parent, r1.id, 'the parent is recorded');

  // The source gone (and the images of its build): the restored image keeps its layer.
  for (const id of [src.id, c.id, m.id]) await d.images.remove(id, { force: true, noprune: true });
  assert.equal(await host.withImageTree(r2.id, async (root) => readFileSync(join(root, 'data.txt'), 'utf8')), 'restored data');

  // A parent the source does not continue: refused, nothing made.
  const other = await host.addFiles(f.busybox, fileTar('other.txt', 'o'), { Cmd: ['sh'] }, '/bin/sh -c #(nop) COPY file:o in / ');
  const again = await host.addFiles(r2.id, fileTar('more.txt', 'm'), { Cmd: ['sh'] }, '/bin/sh -c #(nop) COPY file:m in / ');
  const images = d.images.table.listImages().length;
  await assert.rejects(host.restoreCachedImage(other.id, again.id, 3, { Cmd: ['sh'] }), /does not continue the parent's layers/);
  assert.equal(d.images.table.listImages().length, images);
});
