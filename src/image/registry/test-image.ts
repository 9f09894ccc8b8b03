// Test-only: small generated images for the pull/push tests. Layer contents are random (so
// every test run pushes new blobs) and compressed here with node:zlib; diff ids are the
// sha256 of the uncompressed bytes, as in a real image.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { sha256 } from '../digest.ts';
import { MEDIA, type Descriptor, type ImageConfig, type Manifest, type Platform } from '../types.ts';
import type { PushableImage } from './push.ts';

export type LayerKind = 'gzip' | 'zstd' | 'none';

export interface TestImage extends PushableImage {
  digest: string;
  config: ImageConfig;
  /** Blob bytes by digest (layers and config). */
  blobs: Map<string, Buffer>;
  diffIds: string[];
}

const OCI_LAYER: Record<LayerKind, string> = { gzip: MEDIA.ociLayerGzip, zstd: MEDIA.ociLayerZstd, none: MEDIA.ociLayer };

export function makeImage(opts: { layers: LayerKind[]; platform?: Platform; docker?: boolean; configMediaType?: string; layerSize?: number }): TestImage {
  const blobs = new Map<string, Buffer>();
  const diffIds: string[] = [];
  const layers: Descriptor[] = opts.layers.map((kind, i) => {
    // Half random (incompressible, so sizes stay realistic), half text, and unique per call.
    const raw = Buffer.concat([randomBytes((opts.layerSize ?? 64 << 10) / 2), Buffer.from(`layer ${i}\n`.repeat(2000))]);
    diffIds.push(sha256(raw));
    const blob = kind === 'gzip' ? zlib.gzipSync(raw) : kind === 'zstd' ? zlib.zstdCompressSync(raw) : raw;
    blobs.set(sha256(blob), blob);
    const mediaType = opts.docker ? MEDIA.dockerLayer : OCI_LAYER[kind];
    return { mediaType, digest: sha256(blob), size: blob.length };
  });
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const config: ImageConfig = {
    ...platform,
    created: new Date(0).toISOString(),
    config: { Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  blobs.set(sha256(configBytes), configBytes);
  const mediaType = opts.docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
  const configMediaType = opts.configMediaType ?? (opts.docker ? MEDIA.dockerConfig : MEDIA.ociConfig);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: configMediaType, digest: sha256(configBytes), size: configBytes.length },
    layers,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 3));
  return {
    manifest, manifestBytes, mediaType, configBytes, config, blobs, diffIds,
    digest: sha256(manifestBytes),
    layers: layers.map((descriptor) => ({ descriptor, open: () => Readable.from([blobs.get(descriptor.digest)!], { objectMode: false }) })),
  };
}

/** An OCI index over already-pushed manifests, each with its platform. */
export function makeIndex(images: { image: TestImage; platform: Platform }[]): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.ociIndex,
    manifests: images.map(({ image, platform }) => ({
      mediaType: image.mediaType, digest: image.digest, size: image.manifestBytes.length, platform,
    })),
  }));
}
