// Manifest GET and PUT. A manifest is identified by the digest of its exact bytes, so they are
// kept as received (never re-serialised) and checked against the digest asked for and the one
// the registry names; its media type comes from Content-Type, the body, or its shape, in that
// order, and schema1 or unknown types are refused with dockerd's words.
import { createHash, getHashes } from 'node:crypto';
import { BerthError, invalidParameter, notFound, notImplemented, systemError } from '../../api/types/errors.ts';
import { sha256 } from '../digest.ts';
import { familiarName, familiarString, type Reference } from '../reference.ts';
import { MEDIA } from '../types.ts';
import { kindOfRegistryStatus, MAX_MANIFEST_BYTES, readCapped, readFailure, responseError } from './body.ts';
import type { RegistryClient } from './client.ts';
import { MANIFEST_ACCEPT, manifestKind, SCHEMA1_MEDIA_TYPES, type ManifestKind } from './media.ts';

export const pullScope = (repo: string): string => `repository:${repo}:pull`;
export const pushScope = (repo: string): string => `repository:${repo}:pull,push`;

export interface FetchedManifest {
  /** sha256 of the bytes: the content store's key. */
  digest: string;
  bytes: Buffer;
  mediaType: string;
  kind: ManifestKind;
  json: Record<string, unknown>;
}

/** GET /v2/<repo>/manifests/<tag|digest>; `expected` is a digest the bytes must hash to. */
export async function fetchManifest(client: RegistryClient, ref: Reference, reference: string, expected?: { digest: string; size?: number }): Promise<FetchedManifest> {
  const res = await client.request(`/v2/${ref.path}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } }, pullScope(ref.path));
  if (!res.ok) throw await pullError(res, ref);
  const bytes = await readCapped(res, MAX_MANIFEST_BYTES, `manifest for ${familiarString(ref)}`);
  const digest = sha256(bytes);
  if (expected && (!digestMatches(bytes, expected.digest) || (expected.size !== undefined && expected.size !== bytes.length))) {
    throw systemError(`manifest verification failed for digest ${expected.digest}`);
  }
  const named = res.headers.get('docker-content-digest');
  if (named && !digestMatches(bytes, named)) {
    throw systemError(`manifest verification failed for digest ${named}: the content's digest is ${digest}`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
  } catch (err) {
    throw systemError(`invalid manifest for ${familiarString(ref)}: ${(err as Error).message}`);
  }
  const mediaType = detectMediaType(res.headers.get('content-type'), json, ref);
  return { digest, bytes, mediaType, kind: manifestKind(mediaType)!, json };
}

/** PUT the manifest bytes as they are; returns what `docker push` prints: digest and size. */
export async function putManifest(client: RegistryClient, repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const res = await client.request(`/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: bytes,
  }, pushScope(repo));
  if (res.status !== 201 && res.status !== 200 && res.status !== 202) throw await responseError(res);
  await res.body?.cancel();
  const named = res.headers.get('docker-content-digest');
  if (named && named !== digest) throw systemError(`the registry stored the manifest as ${named}, not ${digest}`);
  return { digest, size: bytes.length };
}

function digestMatches(bytes: Buffer, digest: string): boolean {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  if (colon < 0 || !getHashes().includes(algorithm)) throw invalidParameter(`unsupported digest algorithm in "${digest}"`);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` === digest;
}

const GENERIC_TYPES = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

function detectMediaType(contentType: string | null, json: Record<string, unknown>, ref: Reference): string {
  const header = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const inBody = typeof json.mediaType === 'string' ? json.mediaType : '';
  if (json.schemaVersion === 1 || SCHEMA1_MEDIA_TYPES.includes(header) || SCHEMA1_MEDIA_TYPES.includes(inBody)) {
    const name = familiarString(ref);
    // dockerd 28's refusal, naming what was served.
    throw notImplemented(`${name} is a Docker Image manifest version 2, schema 1 (${SCHEMA1_MEDIA_TYPES.includes(header) ? header : SCHEMA1_MEDIA_TYPES[0]}): ` +
      `support for it has been removed. Suggest the author of ${name} to upgrade the image to the OCI Format or ` +
      'Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/');
  }
  let mediaType = header;
  if (manifestKind(header)) {
    if (inBody && inBody !== header) throw systemError(`manifest for ${familiarString(ref)} says it is ${inBody} but was served as ${header}`);
  } else if (inBody) {
    mediaType = inBody;
  } else if (GENERIC_TYPES.has(header)) {
    // OCI lets mediaType be absent; the shape then tells an index from a manifest (as containerd does).
    mediaType = Array.isArray(json.manifests) ? MEDIA.ociIndex : json.config ? MEDIA.ociManifest : header;
  }
  if (!manifestKind(mediaType)) {
    // distribution's client says this; dockerd passes it through.
    throw notImplemented(`unsupported manifest media type and no default available: ${mediaType || '(none)'}`);
  }
  return mediaType;
}

/**
 * dockerd's translatePullError: an unknown tag is "manifest for X not found"; an unknown,
 * private or forbidden repository is "pull access denied" (a registry does not say which).
 */
async function pullError(res: Response, ref: Reference): Promise<BerthError> {
  const f = await readFailure(res);
  if (f.status === 404 && f.codes.includes('MANIFEST_UNKNOWN')) {
    return notFound(`manifest for ${familiarString(ref)} not found: ${f.message}`);
  }
  if (f.status === 401 || f.status === 403 || f.status === 404) {
    return notFound(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${f.message}`);
  }
  return new BerthError(kindOfRegistryStatus(f.status), f.message);
}
