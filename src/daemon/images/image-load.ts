// docker load. The upload is unpacked into a private temp dir under the data root and planned
// (image/archive/: manifest.json, OCI index or the pre-1.10 layout); everything — paths,
// digests, every layer's diffID — is checked before the first layer is applied. Then the layers
// of all images are applied, and all images and their tags committed in one transaction: a
// failure anywhere removes the layers this load created, so a bad archive leaves nothing
// behind, not even the images that came before the bad one.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ImageService } from './image-service.ts';
import type { ProgressSink } from '../../api/progress.ts';
import type { LayerRow } from '../../store/images.ts';
import type { Platform } from '../../image/types.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { unpackArchive } from '../../image/archive/archive-reader.ts';
import { planLoad, type LoadImage } from '../../image/archive/archive-plan.ts';
import { openLayer, shortLayerId, verifyLayers } from '../../image/archive/archive-layers.ts';
import { decompressStream } from '../../image/decompress.ts';
import { familiarString, formatReference } from '../../image/reference.ts';

export interface LoadOptions {
  quiet: boolean;
  /** Load only the images for this platform (one at most, as dockerd's graphdriver store). */
  platforms: Platform[];
  /** Asked about each name the archive would tag (a policy's image patterns); throws to refuse. */
  checkName?: (name: string) => void;
}

/** Load directories of this process; any other load-* under the temp root is crash debris. */
const active = new Set<string>();

export async function loadImages(svc: ImageService, tmpRoot: string, body: Readable, opts: LoadOptions, send: ProgressSink): Promise<void> {
  if (opts.platforms.length > 1) throw invalidParameter('multiple platforms not supported for this image store');
  await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  for (const name of await readdir(tmpRoot)) {
    if (name.startsWith('load-') && !active.has(join(tmpRoot, name))) await rm(join(tmpRoot, name), { recursive: true, force: true });
  }
  const dir = await mkdtemp(join(tmpRoot, 'load-'));
  active.add(dir);
  try {
    const archive = await unpackArchive(await decompressStream(body), dir);
    const only = opts.platforms[0];
    const images = await planLoad(archive, only ? { only } : { host: hostPlatform() });
    // Before any layer is applied: a refused load leaves nothing behind.
    for (const t of images.flatMap((img) => img.tags)) opts.checkName?.(formatReference(t));
    await verifyLayers(images, (img, i) => svc.importer.has(img.layers.map((l) => l.diffId), i));
    commit(svc, images, await applyAll(svc, images, opts.quiet, send), send);
  } finally {
    active.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every image's layer chain, applied in archive order (a legacy parent before its children). */
async function applyAll(svc: ImageService, images: LoadImage[], quiet: boolean, send: ProgressSink): Promise<LayerRow[][]> {
  const created: LayerRow[] = [];
  const chains: LayerRow[][] = [];
  try {
    for (const img of images) {
      const diffIds = img.layers.map((l) => l.diffId);
      const rows: LayerRow[] = [];
      for (const [i, layer] of img.layers.entries()) {
        const existed = svc.importer.has(diffIds, i);
        const progress = quiet ? undefined : meter(send, layer.progressId ?? shortLayerId(layer.diffId), layer.file.size);
        const row = await svc.importer.apply(rows.at(-1), { diffId: layer.diffId, open: () => openLayer(layer, progress) });
        if (!existed) created.push(row);
        rows.push(row);
      }
      chains.push(rows);
    }
  } catch (err) {
    await dropUnused(svc, created);
    throw err;
  }
  return chains;
}

function commit(svc: ImageService, images: LoadImage[], chains: LayerRow[][], send: ProgressSink): void {
  const before = images.map((img) => img.tags.map((t) => svc.table.resolveRef(formatReference(t))?.imageId));
  const ids = svc.table.transaction(() => images.map((img, n) => {
    const refs = img.tags.map((ref) => ({ ref, kind: 'tag' as const }));
    return svc.commitImageBytes(img.configBytes, chains[n]!, refs, img.parentId);
  }));
  images.forEach((img, n) => {
    const id = ids[n]!;
    img.tags.forEach((t, i) => {
      const old = before[n]![i];
      if (old && old !== id) send({ stream: `The image ${familiarString(t)} already exists, renaming the old one with ID ${old} to empty string\n` });
      send({ stream: `Loaded image: ${familiarString(t)}\n` });
    });
    if (img.tags.length === 0 && !img.intermediate) send({ stream: `Loaded image ID: ${id}\n` });
    svc.deps.events.emit('image', 'load', id, { name: id });
  });
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
 * deleting a throwaway image row that stands on exactly these layers (in the order applied, so
 * parents before children), in one transaction, is its "delete the unused ones" (children
 * first, shared ones kept) without a schema change.
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
