// Layer blobs from a registry into the content store, three at a time like dockerd's default
// max-concurrent-downloads. Every byte goes through ContentStore.ingest, which checks the
// digest before publishing; the length is checked here while streaming, so a short or long
// body is named as such instead of surfacing as a digest mismatch. A connection reset gets one
// fresh attempt (from the start; registries need not honour Range).
import { setTimeout as sleep } from 'node:timers/promises';
import { Transform } from 'node:stream';
import { BerthError, notImplemented, systemError } from '../../api/types/errors.ts';
import { DigestMismatchError, type ContentStore } from '../content/content-store.ts';
import { hexOf } from '../digest.ts';
import type { Descriptor } from '../types.ts';
import { bodyStream, eachLimited, responseError } from './body.ts';
import type { RegistryClient } from './client.ts';
import { pullScope } from './manifest.ts';
import { foreignLayerRefusal, layerCompression } from './media.ts';

export interface LayerEvent {
  /** docker's short id: the first 12 hex digits of the digest. */
  id: string;
  digest: string;
  status: 'waiting' | 'downloading' | 'verifying' | 'complete' | 'exists' | 'retrying';
  current?: number;
  total?: number;
  /** For `retrying`: what went wrong. */
  message?: string;
}

export interface DownloadOptions {
  /** dockerd's max-concurrent-downloads; 3 by default. */
  concurrency?: number;
  /** Pause before the one retry after a reset. */
  retryDelayMs?: number;
  signal?: AbortSignal;
}

/** Progress events at most this often per layer (the last one always goes). */
const PROGRESS_INTERVAL_MS = 100;

/** Fetches `layers` of repository `repo` (its path, e.g. `library/alpine`) into `store`. */
export async function downloadLayers(client: RegistryClient, repo: string, layers: readonly Descriptor[], store: ContentStore,
  events: (e: LayerEvent) => void = () => {}, opts: DownloadOptions = {}): Promise<void> {
  const unique = [...new Map(layers.map((l) => [l.digest, l])).values()];
  const needed = unique.filter((l) => !store.has(l.digest));
  // Refuse before fetching anything, so a pull does not fail halfway through.
  for (const layer of needed) {
    const refusal = foreignLayerRefusal(layer);
    if (refusal) throw notImplemented(refusal);
    layerCompression(layer.mediaType);
  }
  const emit = (l: Descriptor, status: LayerEvent['status'], extra: Partial<LayerEvent> = {}): void =>
    events({ id: hexOf(l.digest).slice(0, 12), digest: l.digest, status, ...extra });
  for (const layer of unique) if (!needed.includes(layer)) emit(layer, 'exists');
  for (const layer of needed) emit(layer, 'waiting');
  // One failure cancels the downloads still running: the pull has failed either way.
  const abort = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal;
  await eachLimited(needed, opts.concurrency ?? 3, async (layer) => {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await fetchLayer(client, repo, layer, store, signal, emit);
          emit(layer, 'complete');
          return;
        } catch (err) {
          if (attempt > 1 || signal.aborted || !isNetworkReset(err)) throw err;
          emit(layer, 'retrying', { message: (err as Error).message });
          await sleep(opts.retryDelayMs ?? 1000, undefined, { signal });
        }
      }
    } catch (err) {
      abort.abort();
      throw layerError(layer, err);
    }
  });
}

async function fetchLayer(client: RegistryClient, repo: string, layer: Descriptor, store: ContentStore, signal: AbortSignal,
  emit: (l: Descriptor, status: LayerEvent['status'], extra?: Partial<LayerEvent>) => void): Promise<void> {
  const res = await client.request(`/v2/${repo}/blobs/${layer.digest}`, { signal }, pullScope(repo));
  if (!res.ok) throw await responseError(res);
  const total = layer.size;
  let current = 0;
  let last = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      current += chunk.length;
      if (current > total) return done(new LengthError(`the registry sent more than the ${total} bytes expected`));
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS || current === total) {
        last = now;
        emit(layer, 'downloading', { current, total });
      }
      done(null, chunk);
    },
    flush(done) {
      if (current < total) return done(new LengthError(`unexpected EOF: got ${current} of ${total} bytes`));
      emit(layer, 'verifying');
      done();
    },
  });
  const body = bodyStream(res);
  body.on('error', (err) => meter.destroy(err));
  await store.ingest(body.pipe(meter), { digest: layer.digest, size: total });
}

class LengthError extends Error {}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** A dropped connection (here or at the request), not an answer from the registry. */
function isNetworkReset(err: unknown): boolean {
  for (let e = err as (Error & { code?: string }) | undefined; e; e = e.cause as typeof e) {
    if (e instanceof LengthError || e instanceof DigestMismatchError) return false;
    if ((e.code && RESET_CODES.has(e.code)) || /^(aborted|socket hang up)$|no response from/.test(e.message)) return true;
    if (e instanceof BerthError && !e.cause) return false;
  }
  return false;
}

function layerError(layer: Descriptor, err: unknown): Error {
  if (err instanceof DigestMismatchError) {
    // dockerd's words, so the message names the layer.
    return systemError(`filesystem layer verification failed for digest ${layer.digest}: ${err.message}`, err);
  }
  const kind = err instanceof BerthError ? err.kind : 'system';
  // Only a reset on the retry gets here as a reset ("aborted" alone would not say what happened).
  const why = isNetworkReset(err) ? `the connection was reset twice (${(err as Error).message})` : (err as Error).message;
  return new BerthError(kind, `error pulling layer ${layer.digest}: ${why}`, { cause: err });
}
