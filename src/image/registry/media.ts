// Which media types pull and push understand, and what each means: manifest kinds, layer
// compression, and layers berth must not fetch from a registry (foreign/non-distributable).
// Everything not listed is refused by name rather than guessed at.
import { PassThrough, type Transform } from 'node:stream';

import { notImplemented } from '../../api/types/errors.ts';
import { zlibDecompressor } from '../decompress.ts';
import { MEDIA, type Descriptor } from '../types.ts';


export const SCHEMA1_MEDIA_TYPES: readonly string[] = [
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
];

/** Sent as Accept on manifest GETs: what dockerd accepts, less schema1 (refused anyway). */
export const MANIFEST_ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerManifestList, MEDIA.ociManifest, MEDIA.ociIndex].join(', ');

export const CONFIG_MEDIA_TYPES: readonly string[] = [MEDIA.dockerConfig, MEDIA.ociConfig];

export type ManifestKind = 'manifest' | 'index';

export function manifestKind(mediaType: string): ManifestKind | undefined {
  if (mediaType === MEDIA.dockerManifest || mediaType === MEDIA.ociManifest) return 'manifest';
  if (mediaType === MEDIA.dockerManifestList || mediaType === MEDIA.ociIndex) return 'index';
  return undefined;
}

export type Compression = 'gzip' | 'zstd' | 'none';

const DOCKER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const OCI_NONDIST = 'application/vnd.oci.image.layer.nondistributable.v1.tar';

const LAYERS: Record<string, { compression: Compression; foreign?: true }> = {
  [MEDIA.dockerLayer]: { compression: 'gzip' },
  [DOCKER_TAR]: { compression: 'none' },
  [MEDIA.dockerForeignLayer]: { compression: 'gzip', foreign: true },
  [MEDIA.ociLayer]: { compression: 'none' },
  [MEDIA.ociLayerGzip]: { compression: 'gzip' },
  [MEDIA.ociLayerZstd]: { compression: 'zstd' },
  [OCI_NONDIST]: { compression: 'none', foreign: true },
  [MEDIA.ociLayerNondist]: { compression: 'gzip', foreign: true },
  [`${OCI_NONDIST}+zstd`]: { compression: 'zstd', foreign: true },
};

export function isLayerMediaType(mediaType: string): boolean {
  return Object.hasOwn(LAYERS, mediaType);
}

export function layerCompression(mediaType: string): Compression {
  const layer = Object.hasOwn(LAYERS, mediaType) ? LAYERS[mediaType] : undefined;
  if (!layer) throw notImplemented(`unsupported layer media type ${mediaType}`);
  return layer.compression;
}

/** A Transform that turns the layer blob into its tar stream (the diff id's input). */
export function decompressorFor(mediaType: string): Transform {
  const compression = layerCompression(mediaType);
  return compression === 'none' ? new PassThrough() : zlibDecompressor(compression);
}

/**
 * Windows base layers are licensed to be fetched from Microsoft's URLs only; berth runs Linux
 * containers and does not chase `urls`, so it says so instead of failing halfway.
 */
export function foreignLayerRefusal(layer: Descriptor): string | undefined {
  const foreign = Object.hasOwn(LAYERS, layer.mediaType) && LAYERS[layer.mediaType]!.foreign;
  if (!foreign && !layer.urls?.length) return undefined;
  const where = layer.urls?.length ? ` (to be fetched from ${layer.urls[0]})` : '';
  return `layer ${layer.digest} is a foreign, non-distributable layer${where}: berth does not download ` +
    'foreign layers; they belong to Windows images, which berth cannot run';
}
