// The metadata half of a pull: from a reference to one platform's manifest and config, every
// byte checked against its digest. Layers are left to downloadLayers (download.ts), which the
// image service runs once it has decided what it still needs.
import { invalidParameter, notFound, notImplemented, systemError } from '../../api/types/errors.ts';
import { isDigest, sha256 } from '../digest.ts';
import { familiarString, type Reference } from '../reference.ts';
import type { Descriptor, ImageConfig, Manifest, ManifestIndex, Platform } from '../types.ts';
import { MAX_CONFIG_BYTES, readCapped, responseError } from './body.ts';
import type { RegistryClient } from './client.ts';
import { fetchManifest, pullScope, type FetchedManifest } from './manifest.ts';
import { CONFIG_MEDIA_TYPES, isLayerMediaType, manifestKind } from './media.ts';
import { DEFAULT_PLATFORM, normalizePlatform, platformString, samePlatform, selectManifest } from './platform.ts';

export interface ResolvedImage {
  manifestDigest: string;
  manifest: Manifest;
  manifestBytes: Buffer;
  mediaType: string;
  config: ImageConfig;
  configBytes: Buffer;
  /** The image's own platform, from its config. */
  platform: Platform;
  /** When the reference named an index / manifest list: its digest (the repo digest docker records) and bytes. */
  indexDigest?: string;
  indexMediaType?: string;
  indexBytes?: Buffer;
}

/**
 * Resolves `ref` (tag, or digest) to one image. An index yields the entry for `platform`
 * (linux/amd64 by default); a plain manifest must then carry that platform in its config when
 * a platform was asked for explicitly (dockerd only warns otherwise; compare `platform`).
 */
export async function resolveImage(client: RegistryClient, ref: Reference, platform?: Platform): Promise<ResolvedImage> {
  const wanted = platform ?? DEFAULT_PLATFORM;
  const top = await fetchManifest(client, ref, ref.digest ?? ref.tag ?? 'latest', ref.digest ? { digest: ref.digest } : undefined);
  let image = top;
  let entry: Descriptor | undefined;
  if (top.kind === 'index') {
    entry = selectManifest(indexEntries(top, ref), wanted);
    if (manifestKind(entry.mediaType) !== 'manifest') {
      throw notImplemented(`${familiarString(ref)}: the entry for ${platformString(wanted)} is a ${entry.mediaType}, not an image manifest`);
    }
    image = await fetchManifest(client, { ...ref, tag: undefined, digest: entry.digest }, entry.digest, entry);
    if (image.kind !== 'manifest') throw notImplemented(`${familiarString(ref)}: nested image indexes are not supported`);
  }
  const manifest = checkManifest(image, ref);
  const configBytes = await fetchBlobBytes(client, ref.path, manifest.config, MAX_CONFIG_BYTES, 'image config');
  const config = parseConfig(configBytes, manifest, ref);
  const actual: Platform = { os: config.os, architecture: config.architecture, ...(config.variant && { variant: config.variant }) };
  const matches = samePlatform(normalizePlatform(actual), normalizePlatform(entry?.platform ?? wanted), Boolean(entry?.platform?.variant ?? platform?.variant));
  if (!matches && (entry || platform)) {
    const wantedText = platformString(entry?.platform ?? wanted);
    throw notFound(`image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${wantedText}, actual: ${platformString(actual)}`);
  }
  return {
    manifestDigest: image.digest,
    manifest,
    manifestBytes: image.bytes,
    mediaType: image.mediaType,
    config,
    configBytes,
    platform: actual,
    ...(entry && { indexDigest: top.digest, indexMediaType: top.mediaType, indexBytes: top.bytes }),
  };
}

export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: Platform[];
}

/** GET /distribution/{name}/json: the descriptor the reference resolves to, and its platforms. */
export async function fetchManifestDescriptor(client: RegistryClient, ref: Reference): Promise<DistributionInspect> {
  const top = await fetchManifest(client, ref, ref.digest ?? ref.tag ?? 'latest', ref.digest ? { digest: ref.digest } : undefined);
  const Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
  if (top.kind === 'index') return { Descriptor, Platforms: indexEntries(top, ref).flatMap((d) => (d.platform ? [d.platform] : [])) };
  // A single manifest names no platform; like dockerd, read it from the config.
  const manifest = checkManifest(top, ref);
  const config = parseConfig(await fetchBlobBytes(client, ref.path, manifest.config, MAX_CONFIG_BYTES, 'image config'), manifest, ref);
  const p: Platform = { architecture: config.architecture, os: config.os };
  if (config.variant) p.variant = config.variant;
  for (const key of ['os.version', 'os.features'] as const) if (config[key] !== undefined) (p as unknown as Record<string, unknown>)[key] = config[key];
  return { Descriptor, Platforms: [p] };
}

/** GET a small blob into memory, checking size and digest before anyone parses it. */
export async function fetchBlobBytes(client: RegistryClient, repo: string, desc: Descriptor, limit: number, what: string): Promise<Buffer> {
  if (desc.size > limit) throw systemError(`${what} ${desc.digest} is ${desc.size} bytes, more than the ${limit} allowed`);
  const res = await client.request(`/v2/${repo}/blobs/${desc.digest}`, {}, pullScope(repo));
  if (!res.ok) throw await responseError(res, `fetching ${what} ${desc.digest}`);
  const bytes = await readCapped(res, desc.size, `${what} ${desc.digest}`);
  if (bytes.length !== desc.size || sha256(bytes) !== desc.digest) {
    throw systemError(`${what} verification failed for digest ${desc.digest}: got ${bytes.length} bytes with digest ${sha256(bytes)}`);
  }
  return bytes;
}

function indexEntries(top: FetchedManifest, ref: Reference): Descriptor[] {
  const { manifests } = top.json as unknown as ManifestIndex;
  if (!Array.isArray(manifests) || !manifests.every(validDescriptor)) throw systemError(`invalid manifest list for ${familiarString(ref)}`);
  return manifests;
}

/** The shape checks dockerd makes before trusting a manifest, with the media types berth can use. */
function checkManifest(m: FetchedManifest, ref: Reference): Manifest {
  const manifest = m.json as unknown as Manifest;
  if (!validDescriptor(manifest.config) || !Array.isArray(manifest.layers) || !manifest.layers.every(validDescriptor)) {
    throw systemError(`invalid manifest for ${familiarString(ref)}: config and layers must be sha256 descriptors`);
  }
  if (!CONFIG_MEDIA_TYPES.includes(manifest.config.mediaType)) {
    throw notImplemented(`${familiarString(ref)} is not a container image: unsupported config media type ${manifest.config.mediaType}`);
  }
  const odd = manifest.layers.find((l) => !isLayerMediaType(l.mediaType));
  if (odd) throw notImplemented(`unsupported media type ${odd.mediaType} for layer ${odd.digest} of ${familiarString(ref)}`);
  return manifest;
}

function parseConfig(bytes: Buffer, manifest: Manifest, ref: Reference): ImageConfig {
  let config: ImageConfig;
  try {
    config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
  } catch (err) {
    throw systemError(`invalid image config for ${familiarString(ref)}: ${(err as Error).message}`);
  }
  if (typeof config?.os !== 'string' || typeof config.architecture !== 'string' || !Array.isArray(config.rootfs?.diff_ids)) {
    throw systemError(`invalid image config for ${familiarString(ref)}: os, architecture and rootfs.diff_ids are required`);
  }
  // dockerd's check: each layer blob must have a diff id to verify its tar stream against.
  if (config.rootfs.diff_ids.length !== manifest.layers.length) throw invalidParameter("layers from manifest don't match image configuration");
  return config;
}

function validDescriptor(d: unknown): d is Descriptor {
  const desc = d as Descriptor;
  return typeof desc === 'object' && desc !== null && typeof desc.mediaType === 'string' && typeof desc.digest === 'string' &&
    isDigest(desc.digest) && Number.isSafeInteger(desc.size) && desc.size >= 0;
}
