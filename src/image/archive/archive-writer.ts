// Writing a `docker save` archive (see archive-format.ts) as one tar stream. Everything but the
// layer bodies is small JSON built up front; layers stream from the layer store with the size
// the store promised, so the tar headers can be written before the bytes. Blobs are named by
// digest and written once however many images share them; entries come in name order with
// mtime 0, owner 0:0, as docker's exporter writes them.
import type { Readable } from 'node:stream';
import { systemError } from '../../api/types/errors.ts';
import { sha256 } from '../digest.ts';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../layers/tar-write.ts';
import { familiarName, familiarString, formatReference, type Reference } from '../reference.ts';
import { MEDIA, type Descriptor, type Manifest, type ManifestIndex } from '../types.ts';
import {
  ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, blobPath, INDEX_FILE, MANIFEST_FILE, OCI_LAYOUT, OCI_LAYOUT_FILE,
  REPOSITORIES_FILE, type LegacyManifestEntry,
} from './archive-format.ts';

export interface SaveLayer {
  diffId: string;
  /** The exact size of open()'s stream (the layer store's layerTarSize). */
  size: number;
  /** The uncompressed layer tar; its sha256 is diffId. */
  open(): Readable;
}

export interface SaveImage {
  /** The config digest (image id). */
  id: string;
  configBytes: Buffer;
  /** Tagged references to record for this image; none for an image saved by id. */
  tags: Reference[];
  layers: SaveLayer[];
}

interface Entry {
  name: string;
  dir?: true;
  size: number;
  data?: Buffer;
  open?: () => Readable;
}

/** Every entry of the archive, in the order written; directories first. */
export function archiveEntries(images: readonly SaveImage[]): Entry[] {
  const blobs = new Map<string, Entry>();
  const addBlob = (digest: string, e: Omit<Entry, 'name'>) => void blobs.set(digest, { name: blobPath(digest), ...e });
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const index: ManifestIndex = { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] };
  const legacy: LegacyManifestEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};

  for (const img of images) {
    addBlob(img.id, { size: img.configBytes.length, data: img.configBytes });
    for (const l of img.layers) addBlob(l.diffId, { size: l.size, open: l.open });
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: img.id, size: img.configBytes.length },
      // Uncompressed, named by diffID: the graphdriver exporter's choice, and what lets
      // manifest.json and index.json share one copy of each layer.
      layers: img.layers.map((l) => ({ mediaType: MEDIA.ociLayer, digest: l.diffId, size: l.size })),
    };
    const manifestBytes = json(manifest);
    const manifestDigest = sha256(manifestBytes);
    addBlob(manifestDigest, { size: manifestBytes.length, data: manifestBytes });
    const descriptor: Descriptor = { mediaType: MEDIA.ociManifest, digest: manifestDigest, size: manifestBytes.length };
    if (img.tags.length === 0) index.manifests.push(descriptor);
    for (const ref of img.tags) {
      index.manifests.push({ ...descriptor, annotations: { [ANNOTATION_IMAGE_NAME]: formatReference(ref), [ANNOTATION_REF_NAME]: ref.tag! } });
    }
    const top = img.layers.at(-1)?.diffId;
    for (const ref of img.tags) {
      if (top) (repositories[familiarName(ref)] ??= {})[ref.tag!] = top.slice('sha256:'.length);
    }
    // docker writes null, not [], for an image saved without tags.
    legacy.push({ Config: blobPath(img.id), RepoTags: img.tags.length ? img.tags.map(familiarString) : null, Layers: img.layers.map((l) => blobPath(l.diffId)) });
  }

  const files: Entry[] = [...blobs.values()];
  const put = (name: string, v: unknown) => {
    const data = json(v);
    files.push({ name, size: data.length, data });
  };
  put(INDEX_FILE, index);
  put(MANIFEST_FILE, legacy);
  put(OCI_LAYOUT_FILE, OCI_LAYOUT);
  if (Object.keys(repositories).length > 0) put(REPOSITORIES_FILE, repositories);
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [{ name: 'blobs/', dir: true, size: 0 }, { name: 'blobs/sha256/', dir: true, size: 0 }, ...files];
}

/** The archive's bytes. A layer that yields other than its promised size fails the stream:
 * the tar would be corrupt past that point, and the client must see an error, not a short file. */
export async function* writeArchive(entries: readonly Entry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    yield encodeHeader({ name: e.name, type: e.dir ? '5' : '0', mode: e.dir ? 0o755 : 0o644, uid: 0, gid: 0, size: e.size, mtime: 0 });
    if (e.dir) continue;
    if (e.data) {
      yield e.data;
    } else {
      let n = 0;
      for await (const chunk of e.open!() as AsyncIterable<Buffer>) {
        n += chunk.length;
        if (n > e.size) throw systemError(`layer ${e.name} is larger than the ${e.size} bytes announced for it`);
        yield chunk;
      }
      if (n !== e.size) throw systemError(`layer ${e.name} is ${n} bytes, not the ${e.size} announced for it`);
    }
    yield padding(e.size);
  }
  yield END_OF_ARCHIVE;
}
