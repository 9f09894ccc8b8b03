// GETs for the build (a remote context, ADD <url>) with bounds, so an unreachable or stalled
// server ends the build with a message instead of holding it: the answer must come within
// HEADERS_MS and the body may not stall longer than IDLE_MS; the build's abort ends it too.
// Errors read as dockerd's: `failed to GET <url> with status 404 Not Found: <body>`, and the
// status decides the kind (404 → not found, 401, 403, 400; others 500).
import { Readable, Transform } from 'node:stream';
import { BerthError, invalidParameter, type ErrorKind } from '../../api/types/errors.ts';

export interface Timeouts {
  headersMs: number;
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 30_000, idleMs: 60_000 };

const KIND_BY_STATUS: Record<number, ErrorKind> = { 400: 'invalid-parameter', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found' };

export interface Download {
  headers: Headers;
  body: Readable;
}

export async function httpGet(url: string, signal: AbortSignal, t: Timeouts = DEFAULT_TIMEOUTS): Promise<Download> {
  if (!/^https?:\/\//i.test(url)) throw invalidParameter(`unsupported URL ${url}: only http and https are fetched`);
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timer = setTimeout(() => stop.abort(new Error(`no answer within ${t.headersMs / 1000}s`)), t.headersMs);
  const done = () => (clearTimeout(timer), signal.removeEventListener('abort', onAbort));
  let res: Response;
  try {
    res = await fetch(url, { signal: stop.signal, redirect: 'follow' });
  } catch (err) {
    done();
    signal.throwIfAborted();
    throw invalidParameter(`Get "${url}": ${reason(err, stop.signal)}`);
  }
  if (res.status >= 400) {
    const text = await res.text().catch(() => '');
    done();
    throw new BerthError(KIND_BY_STATUS[res.status] ?? 'system', `failed to GET ${url} with status ${res.status} ${res.statusText}: ${text.trim()}`);
  }
  // A watchdog on the body: each chunk re-arms it; a stall aborts the fetch, failing the body.
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stop.abort(new Error(`${url}: no data for ${t.idleMs / 1000}s`)), t.idleMs);
  };
  rearm();
  const watch = new Transform({
    transform(chunk, _enc, cb) {
      rearm();
      cb(null, chunk);
    },
  });
  const source = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : Readable.from([]);
  source.once('error', (err) => watch.destroy(new BerthError('invalid-parameter', `reading ${url}: ${reason(err, stop.signal)}`)));
  source.once('close', done);
  watch.once('close', () => (done(), source.destroy()));
  return { headers: res.headers, body: source.pipe(watch) };
}

/** What went wrong, in a line: the abort's reason, or the network error under fetch's TypeError
 * (told as Go's dialer tells it, where dockerd's text is known). */
function reason(err: unknown, stop: AbortSignal): string {
  if (stop.aborted && stop.reason instanceof Error) return stop.reason.message;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) return dialError(cause as NetError) ?? cause.message;
  return err instanceof Error ? err.message : String(err);
}

type NetError = Error & { code?: string; syscall?: string; address?: string; port?: number; hostname?: string };

const DIAL_TEXT: Record<string, string> = { ECONNREFUSED: 'connection refused', EHOSTUNREACH: 'no route to host', ENETUNREACH: 'network is unreachable', ETIMEDOUT: 'connection timed out' };

function dialError(e: NetError): string | undefined {
  if (e.code === 'ENOTFOUND' && e.hostname) return `dial tcp: lookup ${e.hostname}: no such host`;
  const text = DIAL_TEXT[e.code ?? ''];
  if (text === undefined || e.syscall !== 'connect' || e.address === undefined) return undefined;
  const host = e.address.includes(':') ? `[${e.address}]` : e.address;
  return `dial tcp ${host}:${e.port}: connect: ${text}`;
}
