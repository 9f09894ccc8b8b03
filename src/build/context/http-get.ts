// GETs for the build (a remote context, ADD <url>) with bounds, so an unreachable or stalled
// server ends the build with a message instead of holding it: the answer must come within
// HEADERS_MS and the body may not stall longer than IDLE_MS; the build's abort ends it too.
// Errors read as dockerd's: `failed to GET <url> with status 404 Not Found: <body>`, and the
// status decides the kind (404 → not found, 401, 403, 400; others 500).
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
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
  let res: IncomingMessage;
  try {
    res = await open(url, stop.signal, 0);
  } catch (err) {
    done();
    signal.throwIfAborted();
    throw invalidParameter(`Get "${url}": ${reason(err, stop.signal)}`);
  }
  const status = res.statusCode ?? 0;
  if (status >= 400) {
    const text = await readText(res).catch(() => '');
    done();
    throw new BerthError(KIND_BY_STATUS[status] ?? 'system', `failed to GET ${url} with status ${status} ${res.statusMessage ?? ''}: ${text.trim()}`);
  }
  // A watchdog on the body: each chunk re-arms it; a stall aborts the request, failing the body.
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
  res.once('error', (err) => watch.destroy(new BerthError('invalid-parameter', `reading ${url}: ${reason(err, stop.signal)}`)));
  res.once('close', done);
  watch.once('close', () => (done(), res.destroy()));
  return { headers: headersOf(res), body: res.pipe(watch) };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** node:http rather than fetch: fetch refuses the ports the fetch standard blocks (10080, 6000,
 * 6665–6669...), which dockerd's Go client fetches; redirects are followed here (10 at most). */
function open(url: string, signal: AbortSignal, hops: number): Promise<IncomingMessage> {
  const u = new URL(url);
  const get = u.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(u, { signal }, (res) => {
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || location === undefined) return resolve(res);
      res.resume();
      if (hops >= 10) return reject(new Error('stopped after 10 redirects'));
      open(new URL(location, u).href, signal, hops + 1).then(resolve, reject);
    });
    req.once('error', reject);
  });
}

function headersOf(res: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) for (const one of [v].flat()) h.append(k, one);
  return h;
}

async function readText(res: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    // Only the start of an error page goes into the message.
    if (size < 4096) parts.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, 4096);
}

/** What went wrong, in a line: the abort's reason, or the network error under fetch's TypeError
 * (told as Go's dialer tells it, where dockerd's text is known). */
function reason(err: unknown, stop: AbortSignal): string {
  if (stop.aborted && stop.reason instanceof Error) return stop.reason.message;
  if ((err as NetError).syscall !== undefined) return dialError(err as NetError) ?? (err as Error).message;
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
