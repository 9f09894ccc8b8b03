// The push half: layers (five at a time, dockerd's max-concurrent-uploads), then the config,
// then the manifest, so the registry never holds a manifest whose blobs are missing. Each
// blob is HEADed, mounted or uploaded by blob-upload.ts; this file checks that the image is
// self-consistent before anything is sent and turns outcomes into docker's progress lines.
import { Readable } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { hexOf, sha256 } from '../digest.ts';
import type { Reference } from '../reference.ts';
import type { Descriptor, Manifest } from '../types.ts';
import { eachLimited } from './body.ts';
import { uploadBlob, type UploadOptions } from './blob-upload.ts';
import type { RegistryClient } from './client.ts';
import { putManifest } from './manifest.ts';
import { manifestKind } from './media.ts';

export interface PushableImage {
  manifest: Manifest;
  /** Exactly the bytes to PUT: the manifest digest is computed over them. */
  manifestBytes: Buffer;
  mediaType: string;
  configBytes: Buffer;
  layers: { descriptor: Descriptor; open(): Readable }[];
}

export interface PushOptions {
  /** Other repositories on the same registry known to hold `digest` (dockerd keeps this in its v2 metadata). */
  mountFrom?: (digest: string) => string[];
  /** dockerd's max-concurrent-uploads; 5 by default. */
  concurrency?: number;
  mode?: UploadOptions['mode'];
  signal?: AbortSignal;
}

export interface PushEvent {
  id: string;
  digest: string;
  status: 'preparing' | 'waiting' | 'exists' | 'mounted' | 'pushing' | 'pushed';
  current?: number;
  total?: number;
  /** For `mounted`: the repository it came from (`Mounted from <from>`). */
  from?: string;
}

export interface PushResult {
  /** What `docker push` prints: `<tag>: digest: <digest> size: <size>`. */
  digest: string;
  size: number;
}

export async function pushImage(client: RegistryClient, target: Reference, image: PushableImage, opts: PushOptions = {},
  events: (e: PushEvent) => void = () => {}): Promise<PushResult> {
  checkImage(target, image);
  const repo = target.path;
  const { signal, mode } = opts;
  // Learn the auth scheme once, before five uploads each meet the same 401.
  await client.ping(signal);
  const layers = [...new Map(image.layers.map((l) => [l.descriptor.digest, l])).values()];
  const emit = (d: Descriptor, status: PushEvent['status'], extra: Partial<PushEvent> = {}): void =>
    events({ id: hexOf(d.digest).slice(0, 12), digest: d.digest, status, ...extra });
  for (const { descriptor } of layers) emit(descriptor, 'preparing');
  for (const { descriptor } of layers) emit(descriptor, 'waiting');
  await eachLimited(layers, opts.concurrency ?? 5, async ({ descriptor, open }) => {
    const outcome = await uploadBlob(client, repo, descriptor, open, {
      mountFrom: opts.mountFrom?.(descriptor.digest), mode, signal,
      onProgress: (current, total) => emit(descriptor, 'pushing', { current, total }),
    });
    if (outcome.status === 'exists') emit(descriptor, 'exists');
    else if (outcome.status === 'mounted') emit(descriptor, 'mounted', { from: outcome.from });
    else emit(descriptor, 'pushed');
  });
  const config = image.manifest.config;
  const configBytes = image.configBytes;
  await uploadBlob(client, repo, config, () => bufferStream(configBytes), { mountFrom: opts.mountFrom?.(config.digest), mode, signal });
  return putManifest(client, repo, target.tag ?? sha256(image.manifestBytes), image.manifestBytes, image.mediaType);
}

/** Catches a caller's inconsistent image here rather than as a registry's MANIFEST_INVALID. */
function checkImage(target: Reference, image: PushableImage): void {
  if (manifestKind(image.mediaType) !== 'manifest') throw invalidParameter(`cannot push ${image.mediaType} as an image manifest`);
  const digest = sha256(image.manifestBytes);
  if (target.digest && target.digest !== digest) throw invalidParameter(`manifest digest ${digest} does not match the reference's ${target.digest}`);
  const { config, layers } = image.manifest;
  if (sha256(image.configBytes) !== config.digest || image.configBytes.length !== config.size) {
    throw invalidParameter(`config bytes do not match the manifest's config descriptor ${config.digest}`);
  }
  const given = image.layers.map((l) => `${l.descriptor.digest}/${l.descriptor.size}`).join(' ');
  if (given !== layers.map((l) => `${l.digest}/${l.size}`).join(' ')) {
    throw invalidParameter('the layers given do not match the manifest\'s layers');
  }
}

function bufferStream(buf: Buffer): Readable {
  return Readable.from([buf], { objectMode: false });
}
