// What an unpacked archive asks to load: images with their config bytes, layer files in rootfs
// order and tags. Docker's manifest.json is read first (the graphdriver loader's format; new and
// old layouts differ only in the paths it names), else the OCI index.json (nested indexes
// resolved for the wanted platform), else the pre-1.10 layout's repositories file (see
// archive-legacy.ts). Everything is checked here, before any layer is applied: paths exist,
// blobs match their digests, layer counts match the configs.
import { invalidParameter } from '../../api/types/errors.ts';
import { assertDigest } from '../digest.ts';
import { familiarString, parseReference, type Reference } from '../reference.ts';
import { layerCompression, manifestKind, selectManifest } from '../registry/index.ts';
import type { Descriptor, ImageConfig, Manifest, ManifestIndex, Platform } from '../types.ts';
import { normalizePlatform, samePlatform } from '../registry/platform.ts';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, blobPath, INDEX_FILE, MANIFEST_FILE, MAX_NESTING, REPOSITORIES_FILE, type LegacyManifestEntry } from './archive-format.ts';
import { planLegacyLoad } from './archive-legacy.ts';
import type { ArchiveFile, UnpackedArchive } from './archive-reader.ts';

export interface LoadLayer {
  file: ArchiveFile;
  /** The diffID the image config declares for it. */
  diffId: string;
  /** The OCI descriptor's media type; undefined (manifest.json) means: sniff the compression. */
  mediaType?: string;
  /** The diff id was computed from this very file (nothing to verify). */
  fromContent?: true;
  /** The id its progress is shown under; the short diff id when not given. */
  progressId?: string;
}

export interface LoadImage {
  configBytes: Buffer;
  layers: LoadLayer[];
  tags: Reference[];
  /** The image id of its parent image (legacy layout: the layer below is an image too). */
  parentId?: string;
  /** A parent of another image in the archive: not announced by id when untagged. */
  intermediate?: boolean;
}

/** platform: the one asked for (only the images for it are loaded), else the host's (used to
 * pick from multi-platform indexes only). */
export async function planLoad(a: UnpackedArchive, platform: { host: Platform } | { only: Platform }): Promise<LoadImage[]> {
  if (a.has(MANIFEST_FILE)) return fromManifestJson(a, 'only' in platform ? platform.only : undefined);
  if (a.has(INDEX_FILE)) return fromIndex(a, 'only' in platform ? platform.only : platform.host);
  if (a.has(REPOSITORIES_FILE)) return planLegacyLoad(a);
  throw invalidParameter(`invalid archive: does not contain a ${MANIFEST_FILE} (nor an ${INDEX_FILE} or the ${REPOSITORIES_FILE} file of the legacy layout)`);
}

async function fromManifestJson(a: UnpackedArchive, only: Platform | undefined): Promise<LoadImage[]> {
  const { value } = await a.json<unknown>(MANIFEST_FILE, 'manifest');
  if (value === null) throw invalidParameter('invalid manifest, manifest cannot be null (but can be [])');
  if (!Array.isArray(value)) throw invalidParameter(`invalid manifest: ${MANIFEST_FILE} is not a JSON array`);
  const out: LoadImage[] = [];
  for (const m of value as Partial<LegacyManifestEntry>[]) {
    if (typeof m !== 'object' || m === null || typeof m.Config !== 'string' || !Array.isArray(m.Layers)) {
      throw invalidParameter(`invalid manifest: each entry of ${MANIFEST_FILE} needs a Config path and a Layers list`);
    }
    const { value: config, bytes } = await a.json<ImageConfig>(m.Config, 'image config');
    const diffIds = diffIdsOf(config, m.Config);
    if (only && !samePlatform(normalizePlatform(config), normalizePlatform(only), only.variant !== undefined)) continue;
    if (m.Layers.length !== diffIds.length) throw invalidParameter(`invalid manifest, layers length mismatch: expected ${m.Layers.length}, got ${diffIds.length}`);
    const layers = m.Layers.map((p, i) => ({ file: a.file(p, 'layer'), diffId: diffIds[i]! }));
    out.push({ configBytes: bytes, layers, tags: (m.RepoTags ?? []).map(repoTag) });
  }
  return out;
}

async function fromIndex(a: UnpackedArchive, platform: Platform): Promise<LoadImage[]> {
  const index = await blobJson<ManifestIndex>(a, undefined, 'index');
  const byConfig = new Map<string, LoadImage>();
  const visit = async (desc: Descriptor, ref: Reference | undefined, depth: number): Promise<void> => {
    if (depth > MAX_NESTING) throw invalidParameter(`invalid archive: indexes nested more than ${MAX_NESTING} deep`);
    const kind = manifestKind(desc.mediaType);
    if (kind === 'index') {
      const nested = await blobJson<ManifestIndex>(a, desc, 'index');
      const images = nested.manifests.filter((d) => manifestKind(d.mediaType) !== undefined);
      // One entry is the image; several are platforms (and attestations, which match none).
      return visit(images.length === 1 ? images[0]! : selectManifest(images, platform), ref, depth + 1);
    }
    if (kind !== 'manifest') throw invalidParameter(`invalid archive: unsupported media type ${JSON.stringify(desc.mediaType)} in ${INDEX_FILE}`);
    const m = await blobJson<Manifest>(a, desc, 'manifest');
    if (!m.config || !Array.isArray(m.layers)) throw invalidParameter(`invalid archive: manifest ${desc.digest} has no config or layers`);
    const configFile = blob(a, m.config, 'image config');
    const { value: config, bytes } = await a.json<ImageConfig>(configFile.name, 'image config');
    const diffIds = diffIdsOf(config, configFile.name);
    if (m.layers.length !== diffIds.length) throw invalidParameter(`invalid manifest, layers length mismatch: expected ${m.layers.length}, got ${diffIds.length}`);
    const layers = m.layers.map((l, i) => {
      layerCompression(l.mediaType); // refuses media types we cannot decompress, by name
      return { file: blob(a, l, 'layer'), diffId: diffIds[i]!, mediaType: l.mediaType };
    });
    const image: LoadImage = byConfig.get(m.config.digest) ?? { configBytes: bytes, layers, tags: [] };
    if (ref && !image.tags.some((t) => familiarString(t) === familiarString(ref))) image.tags.push(ref);
    byConfig.set(m.config.digest, image);
  };
  if (!Array.isArray(index.manifests)) throw invalidParameter(`invalid archive: ${INDEX_FILE} has no manifests list`);
  for (const desc of index.manifests) await visit(desc, indexRef(desc.annotations), 0);
  return [...byConfig.values()];
}

/** A blob named by a descriptor, checked against the descriptor's digest and size. */
function blob(a: UnpackedArchive, desc: Descriptor, what: string): ArchiveFile {
  if (typeof desc?.digest !== 'string') throw invalidParameter(`invalid archive: a ${what} descriptor has no digest`);
  const f = a.file(blobPath(assertDigest(desc.digest, `${what} digest`)), what);
  if (f.digest !== desc.digest) throw invalidParameter(`invalid archive: ${what} blob ${f.name} does not match its digest (its content hashes to ${f.digest})`);
  if (typeof desc.size === 'number' && f.size !== desc.size) throw invalidParameter(`invalid archive: ${what} blob ${f.name} is ${f.size} bytes, its descriptor says ${desc.size}`);
  return f;
}

async function blobJson<T>(a: UnpackedArchive, desc: Descriptor | undefined, what: string): Promise<T> {
  const name = desc ? blob(a, desc, what).name : INDEX_FILE;
  const { value } = await a.json<T>(name, what);
  if (typeof value !== 'object' || value === null) throw invalidParameter(`invalid archive: ${what} ${name} is not a JSON object`);
  return value;
}

/** The config's diffIDs, after docker's checks: a rootfs, and an OS this host runs. */
function diffIdsOf(config: ImageConfig, name: string): string[] {
  const ids = (config as Partial<ImageConfig> | null)?.rootfs?.diff_ids;
  if (!Array.isArray(ids)) throw invalidParameter(`invalid archive: image config ${name} has no rootfs.diff_ids`);
  if (config.os && config.os !== 'linux') throw invalidParameter(`image operating system "${config.os}" cannot be used on this platform`);
  return ids.map((d) => assertDigest(d, 'diff id'));
}

/** docker's rule for manifest.json RepoTags: a name with a tag, nothing else. */
function repoTag(raw: string): Reference {
  let ref: Reference | undefined;
  try {
    ref = parseReference(raw);
  } catch {
    // reported below with docker's words
  }
  if (!ref?.tag || ref.digest) throw invalidParameter(`invalid tag ${JSON.stringify(raw)}`);
  return ref;
}

/** The name an index.json descriptor carries: containerd's full name, else an OCI ref name
 * that is itself a tagged reference (a bare tag such as "latest" names no repository). */
function indexRef(annotations: Record<string, string> | undefined): Reference | undefined {
  for (const raw of [annotations?.[ANNOTATION_IMAGE_NAME], annotations?.[ANNOTATION_REF_NAME]]) {
    if (!raw || (raw === annotations?.[ANNOTATION_REF_NAME] && !/[:/]/.test(raw))) continue;
    try {
      const ref = parseReference(raw);
      if (ref.tag && !ref.digest) return ref;
    } catch {
      // not a reference: the image loads untagged
    }
  }
  return undefined;
}
