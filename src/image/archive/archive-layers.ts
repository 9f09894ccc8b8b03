// Layer files of an unpacked archive: opened as the uncompressed tar the layer store applies,
// and hashed up front, so a layer whose content is not what the image config declares is
// refused before anything reaches the layer store. An OCI descriptor's media type says how a
// blob is compressed; manifest.json says nothing, so the bytes are sniffed, as docker does.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { decompressStream, sniffFormat } from '../decompress.ts';
import { hexOf } from '../digest.ts';
import { decompressorFor, layerCompression } from '../registry/index.ts';
import type { LoadImage, LoadLayer } from './archive-plan.ts';

type LayerFile = Pick<LoadLayer, 'file' | 'mediaType'>;

/** The layer as an uncompressed tar; onBytes counts the file's own (compressed) bytes read. */
export async function openLayer(layer: LayerFile, onBytes?: (n: number) => void): Promise<Readable> {
  const file = createReadStream(layer.file.path);
  // Counted in a Transform, not a 'data' listener: that would switch the file to flowing mode
  // under decompressStream's peek at the first bytes.
  const raw = onBytes ? piped(file, new Transform({ transform: (c: Buffer, _e, done) => (onBytes(c.length), done(null, c)) })) : file;
  if (layer.mediaType === undefined) return decompressStream(raw);
  return piped(raw, decompressorFor(layer.mediaType));
}

function piped(from: Readable, to: Transform): Transform {
  from.on('error', (err) => to.destroy(err));
  return from.pipe(to);
}

async function isPlain(layer: LayerFile): Promise<boolean> {
  if (layer.mediaType !== undefined) return layerCompression(layer.mediaType) === 'none';
  const fh = await open(layer.file.path, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await fh.read(head, 0, 6, 0);
    return bytesRead < 4 || sniffFormat(head) === 'plain';
  } finally {
    await fh.close();
  }
}

/** The sha256 of the layer's uncompressed tar: free for uncompressed files (hashed while the
 * archive was unpacked), one decompression pass for compressed ones. */
export async function layerDiffId(layer: LayerFile): Promise<string> {
  if (await isPlain(layer)) return layer.file.digest;
  const hash = createHash('sha256');
  for await (const chunk of (await openLayer(layer)) as AsyncIterable<Buffer>) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Every layer of every image matches its config's diffID, else a precise refusal. skip(image,
 * i) lets the caller pass over layers the store already has (they are not read at all then).
 */
export async function verifyLayers(images: readonly LoadImage[], skip: (img: LoadImage, i: number) => boolean): Promise<void> {
  const checked = new Set<string>();
  for (const img of images) {
    for (const [i, layer] of img.layers.entries()) {
      const key = `${layer.file.path}\0${layer.diffId}`;
      if (layer.fromContent || checked.has(key) || skip(img, i)) continue;
      const actual = await layerDiffId(layer);
      if (actual !== layer.diffId) {
        throw invalidParameter(`invalid archive: layer ${layer.file.name} has diff id ${actual}, but the image config declares ${layer.diffId}`);
      }
      checked.add(key);
    }
  }
}

/** docker's progress id for a layer: the short form of an id. */
export function shortLayerId(digest: string): string {
  return hexOf(digest).slice(0, 12);
}
