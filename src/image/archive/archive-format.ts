// The `docker save` archive as Docker 25+ writes it: an OCI image layout (oci-layout,
// index.json, blobs/sha256/<hex>) with Docker's legacy manifest.json and repositories beside
// it, so both the graphdriver loader (manifest.json) and OCI tools (index.json) can read it.
// Names and limits shared by the writer and the reader live here.
import { invalidParameter } from '../../api/types/errors.ts';
import { hexOf } from '../digest.ts';
import type { Descriptor } from '../types.ts';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const OCI_LAYOUT = { imageLayoutVersion: '1.0.0' } as const;
export const INDEX_FILE = 'index.json';
export const MANIFEST_FILE = 'manifest.json';
export const REPOSITORIES_FILE = 'repositories';

/** containerd's full image name, and the OCI ref name (the tag), on index.json descriptors. */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** One image in Docker's manifest.json. Paths use forward slashes, relative to the archive. */
export interface LegacyManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, Descriptor>;
}

/** JSON documents in an archive (manifests, configs, indexes) are read whole into memory:
 * anything bigger than this is not a real image's metadata. */
export const JSON_MAX = 8 * 1024 * 1024;

/** How deep OCI indexes may nest (an index of indexes of ...), and symlinks may chain. */
export const MAX_NESTING = 8;

export function blobPath(digest: string): string {
  return `blobs/sha256/${hexOf(digest)}`;
}

/**
 * A name inside the archive, cleaned to "a/b/c": "./" and empty parts vanish and a leading "/"
 * is dropped (as docker's untar does), but ".." is refused outright. Archive names are never
 * used as host paths (entries are stored under numbers), so this is about meaning, not safety
 * alone: a legitimate archive has no reason to climb, and one that does is refused by name.
 */
export function cleanArchiveName(raw: string, what: string): string {
  if (raw.includes('\0')) throw invalidParameter(`invalid archive: ${what} ${JSON.stringify(raw)} contains a NUL byte`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidParameter(`invalid archive: ${what} ${JSON.stringify(raw)} climbs out of the archive with ".."`);
  return parts.join('/');
}

/** A link target, relative to the link's own directory (symlinks) or the archive root (hard links). */
export function resolveLinkTarget(name: string, target: string, kind: 'symlink' | 'hard link'): string {
  if (kind === 'symlink' && target.startsWith('/')) {
    throw invalidParameter(`invalid archive: symlink ${JSON.stringify(name)} points outside the archive (${JSON.stringify(target)})`);
  }
  const base = kind === 'symlink' ? name.split('/').slice(0, -1) : [];
  const out = [...base];
  for (const p of target.split('/')) {
    if (p === '' || p === '.') continue;
    if (p !== '..') out.push(p);
    else if (out.pop() === undefined) {
      throw invalidParameter(`invalid archive: ${kind} ${JSON.stringify(name)} points outside the archive (${JSON.stringify(target)})`);
    }
  }
  return out.join('/');
}
