// One blob into a repository, cheapest way first, as dockerd's pusher does: HEAD (already
// there), a cross-repository mount from repositories known to hold it, then an upload session:
// POST, and a monolithic PUT ?digest= streaming the body; registries that refuse that get the
// streamed PATCH + closing PUT that docker's own client uses.
import { Transform, type Readable } from 'node:stream';
import { systemError } from '../../api/types/errors.ts';
import type { Descriptor } from '../types.ts';
import { readFailure, responseError } from './body.ts';
import type { RegistryClient } from './client.ts';
import { pullScope, pushScope } from './manifest.ts';

export interface UploadOptions {
  /** Other repositories on the same registry that hold the blob, tried in order. */
  mountFrom?: readonly string[];
  /** `auto` (monolithic, falling back to chunked), or force one. */
  mode?: 'auto' | 'monolithic' | 'chunked';
  onProgress?: (current: number, total: number) => void;
  signal?: AbortSignal;
}

export type UploadOutcome = { status: 'exists' } | { status: 'mounted'; from: string } | { status: 'pushed' };

/** HEAD /v2/<repo>/blobs/<digest>, authorized for push like every request of a push. */
export async function blobExists(client: RegistryClient, repo: string, digest: string, signal?: AbortSignal): Promise<boolean> {
  const res = await client.request(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD', signal }, pushScope(repo));
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw await responseError(res, `checking blob ${digest}`);
}

export async function uploadBlob(client: RegistryClient, repo: string, desc: Descriptor, open: () => Readable, opts: UploadOptions = {}): Promise<UploadOutcome> {
  const { signal } = opts;
  if (await blobExists(client, repo, desc.digest, signal)) return { status: 'exists' };
  let session: string | undefined;
  for (const from of opts.mountFrom ?? []) {
    if (from === repo) continue;
    const query = `mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(from)}`;
    // The token must also grant pull on the source repository, or the registry will not mount.
    const res = await client.request(`/v2/${repo}/blobs/uploads/?${query}`, { method: 'POST', signal }, [pushScope(repo), pullScope(from)]);
    await res.body?.cancel();
    if (res.status === 201) {
      if (session) await cancelSession(client, repo, session);
      return { status: 'mounted', from };
    }
    // 202: no mount, but an upload session was opened; keep the latest one for the upload.
    if (res.status === 202) {
      if (session) await cancelSession(client, repo, session);
      session = locationOf(client, res);
    }
  }
  session ??= await startSession(client, repo, signal);
  if (opts.mode !== 'chunked') {
    const res = await send(client, repo, withDigest(session, desc.digest), 'PUT', desc, open(), opts);
    if (res.status === 201) return finished(res, desc);
    const failure = await readFailure(res);
    // Only "this method is not how I take uploads" earns the chunked route; others are real errors.
    const unsupported = [405, 501].includes(failure.status) || failure.codes.includes('UNSUPPORTED');
    if (opts.mode === 'monolithic' || !unsupported) throw systemError(`uploading blob ${desc.digest}: ${failure.message}`);
    await cancelSession(client, repo, session);
    session = await startSession(client, repo, signal);
  }
  if (desc.size > 0) {
    const res = await send(client, repo, session, 'PATCH', desc, open(), opts);
    if (res.status !== 202) throw await responseError(res, `uploading blob ${desc.digest}`);
    await res.body?.cancel();
    session = locationOf(client, res);
  }
  const res = await client.request(withDigest(session, desc.digest), { method: 'PUT', headers: { 'content-length': '0' }, signal }, pushScope(repo));
  if (res.status !== 201) throw await responseError(res, `completing upload of blob ${desc.digest}`);
  return finished(res, desc);
}

async function startSession(client: RegistryClient, repo: string, signal?: AbortSignal): Promise<string> {
  const res = await client.request(`/v2/${repo}/blobs/uploads/`, { method: 'POST', signal }, pushScope(repo));
  if (res.status !== 202) throw await responseError(res, `starting an upload to ${repo}`);
  await res.body?.cancel();
  return locationOf(client, res);
}

/** A Location may be relative; the client takes absolute URLs and keeps credentials on its origin. */
function locationOf(client: RegistryClient, res: Response): string {
  const location = res.headers.get('location');
  if (!location) throw systemError(`the registry answered ${res.status} without an upload Location`);
  return new URL(location, client.baseUrl).href;
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.href;
}

/** Best effort: an abandoned session is only garbage for the registry to purge. */
async function cancelSession(client: RegistryClient, repo: string, location: string): Promise<void> {
  try {
    const res = await client.request(location, { method: 'DELETE' }, pushScope(repo));
    await res.body?.cancel();
  } catch {
    // the registry purges stale uploads itself
  }
}

function send(client: RegistryClient, repo: string, url: string, method: 'PUT' | 'PATCH', desc: Descriptor, source: Readable, opts: UploadOptions): Promise<Response> {
  let current = 0;
  let last = 0;
  // Counts for progress and insists on exactly desc.size bytes: a short source must fail the
  // request (its error destroys it) rather than leave the registry waiting for the rest.
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      current += chunk.length;
      if (current > desc.size) return done(systemError(`blob ${desc.digest} is longer than its ${desc.size} bytes`));
      const now = Date.now();
      if (now - last >= 100 || current === desc.size) {
        last = now;
        opts.onProgress?.(current, desc.size);
      }
      done(null, chunk);
    },
    flush(done) {
      done(current === desc.size ? null : systemError(`blob ${desc.digest} ended after ${current} of ${desc.size} bytes`));
    },
  });
  source.on('error', (err) => meter.destroy(err));
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) };
  if (method === 'PATCH') headers['content-range'] = `0-${desc.size - 1}`;
  return client.request(url, { method, headers, body: source.pipe(meter), signal: opts.signal }, pushScope(repo));
}

async function finished(res: Response, desc: Descriptor): Promise<UploadOutcome> {
  await res.body?.cancel();
  const stored = res.headers.get('docker-content-digest');
  if (stored && stored !== desc.digest) throw systemError(`the registry stored blob ${desc.digest} as ${stored}`);
  return { status: 'pushed' };
}
