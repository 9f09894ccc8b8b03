// docker save: images picked as dockerd's exporter does (a bare repository name means all its
// tags; an id means the image without tags), streamed as the archive built by image/archive/
// with layers from the layer store, byte-exact so their sha256 is the diffID. (docker load is
// image-load.ts.)
import { Readable } from 'node:stream';
import type { ImageService } from './image-service.ts';
import { archiveEntries, writeArchive, type SaveImage } from '../../image/archive/archive-writer.ts';
import { formatReference, parseReference, type Reference } from '../../image/reference.ts';

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
