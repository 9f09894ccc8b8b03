// docker save and docker load. save picks images as dockerd's exporter does (a bare repository
// name means all its tags; an id means the image without tags), and streams the archive built
// by image/archive/ with layers from the layer store, byte-exact so their sha256 is the diffID.
// load unpacks the upload into a private temp dir under the data root, checks everything —
// paths, digests, every layer's diffID — before the first layer is applied, then applies and
// commits image by image; a failure removes the layers that image had created so far.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ImageService } from './image-service.ts';
import type { ProgressSink } from '../../api/progress.ts';
import type { LayerRow } from '../../store/images.ts';
import type { Platform } from '../../image/types.ts';
import { archiveEntries, writeArchive, type SaveImage } from '../../image/archive/archive-writer.ts';
import { unpackArchive } from '../../image/archive/archive-reader.ts';
import { planLoad, type LoadImage } from '../../image/archive/archive-plan.ts';
import { openLayer, shortLayerId, verifyLayers } from '../../image/archive/archive-layers.ts';
import { decompressStream } from '../../image/decompress.ts';
import { familiarString, formatReference, parseReference, type Reference } from '../../image/reference.ts';

const IMAGE_ID = /^(sha256:)?[a-f0-9]{64}$/;

export async function saveImages(svc: ImageService, names: string[]): Promise<Readable> {
  // Resolve everything (and every layer's exact size) first: an unknown name is a 404 before
  // a single byte of the archive is sent.
  const images: SaveImage[] = [];
  for (const [id, tags] of selectImages(svc, names)) {
    const layers = await Promise.all(svc.table.layersOf(id).map(async (l) => ({
      diffId: l.diffId,
      size: await svc.deps.layers.layerTarSize(l.cacheId),
      open: () => svc.deps.layers.tarLayer(l.cacheId),
    })));
    images.push({ id, configBytes: svc.deps.content.readBytes(id), tags, layers });
  }
  for (const img of images) svc.deps.events.emit('image', 'save', img.id, { name: img.id });
  return Readable.from(writeArchive(archiveEntries(images)), { objectMode: false });
}

/** Image id -> the tags to record for it, in the order the names were given. */
function selectImages(svc: ImageService, names: string[]): Map<string, Reference[]> {
  const out = new Map<string, Reference[]>();
  const add = (id: string, ref?: Reference) => {
    const tags = out.get(id) ?? [];
    if (ref && !tags.some((t) => formatReference(t) === formatReference(ref))) tags.push(ref);
    out.set(id, tags);
  };
  for (const name of names) {
    const ref = IMAGE_ID.test(name) ? undefined : tryParse(name);
    if (ref && !ref.tag && !ref.digest) {
      // A repository name: every tag of it (digest references are not recorded, as docker).
      const prefix = `${ref.domain}/${ref.path}:`;
      const tagged = svc.table.allRefs().filter((r) => r.kind === 'tag' && r.ref.startsWith(prefix));
      for (const r of tagged) add(r.imageId, parseReference(r.ref));
      if (tagged.length > 0) continue;
    }
    add(svc.resolve(name).id, ref?.tag && !ref.digest ? ref : undefined); // "No such image: <name>"
  }
  return out;
}

function tryParse(name: string): Reference | undefined {
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

/** Load directories of this process; any other load-* under the temp root is crash debris. */
const active = new Set<string>();

export async function loadImages(svc: ImageService, tmpRoot: string, body: Readable, quiet: boolean, send: ProgressSink): Promise<void> {
  await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  for (const name of await readdir(tmpRoot)) {
    if (name.startsWith('load-') && !active.has(join(tmpRoot, name))) await rm(join(tmpRoot, name), { recursive: true, force: true });
  }
  const dir = await mkdtemp(join(tmpRoot, 'load-'));
  active.add(dir);
  try {
    const archive = await unpackArchive(await decompressStream(body), dir);
    const images = await planLoad(archive, hostPlatform());
    await verifyLayers(images, (img, i) => svc.importer.has(img.layers.map((l) => l.diffId), i));
    for (const img of images) await loadOne(svc, img, quiet, send);
  } finally {
    active.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadOne(svc: ImageService, img: LoadImage, quiet: boolean, send: ProgressSink): Promise<void> {
  const diffIds = img.layers.map((l) => l.diffId);
  const rows: LayerRow[] = [];
  const created: LayerRow[] = [];
  try {
    for (const [i, layer] of img.layers.entries()) {
      const existed = svc.importer.has(diffIds, i);
      const progress = quiet ? undefined : meter(send, shortLayerId(layer.diffId), layer.file.size);
      const row = await svc.importer.apply(rows.at(-1), { diffId: layer.diffId, open: () => openLayer(layer, progress) });
      if (!existed) created.push(row);
      rows.push(row);
    }
  } catch (err) {
    await dropUnused(svc, created);
    throw err;
  }
  const before = img.tags.map((t) => svc.table.resolveRef(formatReference(t))?.imageId);
  const id = svc.commitImageBytes(img.configBytes, rows, img.tags.map((ref) => ({ ref, kind: 'tag' as const })));
  img.tags.forEach((t, i) => {
    const old = before[i];
    if (old && old !== id) send({ stream: `The image ${familiarString(t)} already exists, renaming the old one with ID ${old} to empty string\n` });
    send({ stream: `Loaded image: ${familiarString(t)}\n` });
  });
  if (img.tags.length === 0) send({ stream: `Loaded image ID: ${id}\n` });
  svc.deps.events.emit('image', 'load', id, { name: id });
}

/** "Loading layer" lines as dockerd's progress reader sends them, about one per percent. */
function meter(send: ProgressSink, id: string, total: number): (n: number) => void {
  let current = 0;
  let last = -1;
  return (n) => {
    current += n;
    if (current - last < Math.max(total / 100, 64 * 1024) && current < total) return;
    last = current;
    send({ status: 'Loading layer', id, progressDetail: { current, total } });
  };
}

/**
 * Remove layers a failed load created and no image uses. The images table offers no such call;
 * deleting a throwaway image row that stands on exactly these layers, in one transaction, is
 * its "delete the unused ones" (children first, shared ones kept) without a schema change.
 */
async function dropUnused(svc: ImageService, created: LayerRow[]): Promise<void> {
  if (created.length === 0) return;
  const tmpId = `sha256:${randomBytes(32).toString('hex')}`;
  const orphans = svc.table.transaction(() => {
    svc.table.putImage({ id: tmpId, topChain: created.at(-1)!.chainId, createdAt: new Date().toISOString(), lastTagTime: null, parent: null }, created.map((l) => l.chainId));
    return svc.table.deleteImage(tmpId);
  });
  for (const l of orphans) await svc.deps.layers.removeLayer(l.cacheId);
}

/** The platform to pick from a multi-platform archive: this host's, in Go's spelling. */
function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}
