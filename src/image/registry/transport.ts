// HTTP for the registry client, on node:http/https rather than the global fetch: Node's fetch
// cannot take extra CA certificates, client certificates or "skip verify" without the undici
// package (its dispatcher option), and registries need all three. The result is a standard
// fetch Response, so callers read it the same way either way.
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

export interface TlsSettings {
  /** Extra CA certificates (PEM), trusted in addition to Node's bundled roots. */
  ca?: string[];
  /** Client certificate and key (PEM), for registries that want mutual TLS. */
  cert?: string;
  key?: string;
  /** For insecure registries only: accept any server certificate. */
  insecureSkipVerify?: boolean;
}

export interface TransportInit {
  method?: string;
  headers?: Record<string, string>;
  /** A Readable is streamed and cannot be sent twice (no redirect, no retry). */
  body?: string | Uint8Array | Readable | null;
  signal?: AbortSignal;
  tls?: TlsSettings;
  /** Custom name resolution, e.g. to pin a registry name to an address. */
  lookup?: LookupFunction;
}

export type Transport = (url: string, init?: TransportInit) => Promise<Response>;

/** Go's client follows at most 10 redirects; so do we. */
const MAX_REDIRECTS = 10;
/** No bytes for this long on a connection (connect, headers or body) fails the request. */
const IDLE_TIMEOUT_MS = 30_000;

/** Follows redirects for GET/HEAD, dropping Authorization when the origin changes (blob
 * downloads are redirected to storage that must not see registry credentials). */
export const nodeTransport: Transport = async (url, init = {}) => {
  let current = new URL(url);
  let headers = { ...init.headers };
  const method = (init.method ?? 'GET').toUpperCase();
  for (let hop = 0; ; hop++) {
    const res = await send(current, { ...init, method, headers });
    const location = res.headers.get('location');
    const redirect = [301, 302, 303, 307, 308].includes(res.status) && location;
    if (!redirect || (method !== 'GET' && method !== 'HEAD') || hop >= MAX_REDIRECTS) return res;
    await res.body?.cancel();
    const next = new URL(location, current);
    if (next.origin !== current.origin) headers = withoutAuthorization(headers);
    current = next;
  }
};

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

const agents = new WeakMap<TlsSettings, https.Agent>();
const plainAgent = new http.Agent({ keepAlive: true });
const defaultTls: TlsSettings = {};

/** One keep-alive agent per TLS setting, so connections are reused but never across trust settings. */
function agentFor(url: URL, tls: TlsSettings | undefined): http.Agent {
  if (url.protocol === 'http:') return plainAgent;
  const key = tls ?? defaultTls;
  let agent = agents.get(key);
  if (!agent) {
    agent = new https.Agent({
      keepAlive: true,
      // Node's `ca` replaces the bundled roots, so extra CAs are appended to them.
      ca: key.ca?.length ? [...rootCertificates, ...key.ca] : undefined,
      cert: key.cert,
      key: key.key,
      rejectUnauthorized: !key.insecureSkipVerify,
    });
    agents.set(key, agent);
  }
  return agent;
}

function send(url: URL, init: TransportInit & { method: string }): Promise<Response> {
  const lib = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!lib) return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: init.method,
      headers: init.headers,
      agent: agentFor(url, init.tls),
      signal: init.signal,
      lookup: init.lookup,
      timeout: IDLE_TIMEOUT_MS,
    });
    req.on('timeout', () => req.destroy(new Error(`no response from ${url.host} in ${IDLE_TIMEOUT_MS / 1000}s`)));
    req.on('error', reject);
    req.on('response', (res) => resolve(toResponse(res, init.method)));
    const body = init.body;
    if (body instanceof Readable) {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    } else {
      req.end(body ?? undefined);
    }
  });
}

function toResponse(res: http.IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
    } catch {
      // A header value fetch's Headers refuses (e.g. bytes outside Latin-1) is dropped, not fatal.
    }
  }
  const status = res.statusCode ?? 500;
  const bodyless = method === 'HEAD' || status === 204 || status === 205 || status === 304;
  if (bodyless) res.resume();
  const body = bodyless ? null : lazyWebBody(res);
  const response = new Response(body, { status, statusText: res.statusMessage ?? '', headers });
  if (!bodyless) nodeBodies.set(response, res);
  return response;
}

/** The node stream behind each Response, so big bodies (layer blobs) skip the web-stream detour. */
const nodeBodies = new WeakMap<Response, Readable>();

/**
 * The response body as a node stream: the socket itself when the web body was never read,
 * which moves layer bytes several times faster than converting web streams back and forth.
 */
export function nodeBody(res: Response): Readable | undefined {
  const raw = nodeBodies.get(res);
  return raw && !res.bodyUsed ? raw : undefined;
}

/** A web stream that reads from `res` only when pulled (highWaterMark 0: nothing read ahead). */
function lazyWebBody(res: http.IncomingMessage): ReadableStream<Uint8Array> {
  let it: AsyncIterator<Buffer> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        it ??= res[Symbol.asyncIterator]();
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.length));
      },
      cancel() {
        res.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
