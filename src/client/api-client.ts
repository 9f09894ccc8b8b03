// The typed core of berth's API client: connections from the endpoint's dialer, version
// negotiation as the docker CLI does it, and error statuses mapped back to the same error kinds
// the daemon threw. Answers read whole (the ping, JSON) go through http1.ts on a kept-open
// connection (on a unix socket, libuv's pipe handle: pipe-conn.ts); streams and hijacks through
// node:http, loaded on their first use (http1.ts says why).
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { BerthError, kindOfStatus } from '../api/types/errors.ts';
import { MAX_API_VERSION, minVersion, versionLessThan } from '../api/types/version.ts';
import { dialerFor, wholeDialerFor, type Dialer, type Endpoint } from './endpoint.ts';
import { connectError } from './connect-error.ts';
import { Http1Client, type WholeResponse } from './http1.ts';
import { ENGINE_VERSION } from '../lib/build-info.ts';

export interface ClientOptions {
  endpoint: Endpoint;
  /** A version cap (DOCKER_API_VERSION); negotiation may still lower it. */
  version?: string;
  headers?: Record<string, string>;
  /** Receives request and response lines when debugging (-D, DOCKER_DEBUG). */
  debug?: (line: string) => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ends the request (and its connection) when aborted, e.g. a wait nobody needs any more. */
  signal?: AbortSignal;
}

const OLDEST_NEGOTIABLE = '1.24';

// A TLS server name is the dialer's business (endpoint.ts); left unset, node's agent works one
// out of `host` with net.isIP, whose first call compiles its IPv6 pattern (~5-15 ms of every CLI
// start). An empty one is the agent's "none". (Not in @types/node's RequestOptions.)
const NO_SERVERNAME = { servername: '' };

export class ApiClient {
  readonly endpoint: Endpoint;
  readonly #dial: Dialer;
  readonly #whole: Http1Client;
  #agent: Agent | undefined;
  readonly #opts: ClientOptions;
  #version: string | undefined;

  constructor(opts: ClientOptions) {
    this.#opts = opts;
    this.endpoint = opts.endpoint;
    this.#dial = dialerFor(opts.endpoint);
    this.#whole = new Http1Client(wholeDialerFor(opts.endpoint));
  }

  get version(): string | undefined {
    return this.#version;
  }

  /** HEAD /_ping (then GET), use the lower of both maxima. */
  async negotiate(): Promise<string> {
    if (this.#version) return this.#version;
    let res = await this.#sendWhole('HEAD', '/_ping', {}).catch(() => undefined); // as docker: HEAD refused, GET then (its error is the one shown)
    if (!res || res.statusCode !== 200) res = await this.#sendWhole('GET', '/_ping', {});
    const server = res.headers['api-version'];
    const cap = this.#opts.version ?? MAX_API_VERSION;
    if (server && versionLessThan(server, OLDEST_NEGOTIABLE)) {
      throw new Error(`API version ${server} is not supported by this client: the minimum supported API version is ${OLDEST_NEGOTIABLE}`);
    }
    this.#version = server ? minVersion(cap, server) : cap;
    return this.#version;
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const version = await this.negotiate();
    const res = await this.#send(method, `/v${version}${path}`, opts);
    if ((res.statusCode ?? 500) >= 400) throw await responseError(res, method, path, version);
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const text = isStream(opts.body) ? await readText(await this.request(method, path, opts)) : (await this.whole(method, path, opts)).toString('utf8');
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A request whose answer is read whole (no stream in either direction): its body. */
  async whole(method: string, path: string, opts: RequestOptions = {}): Promise<Buffer> {
    const version = await this.negotiate();
    const res = await this.#sendWhole(method, `/v${version}${path}`, opts);
    if (res.statusCode >= 400) throw errorOf(res.statusCode, res.statusMessage, res.headers['content-type'], res.body.toString('utf8'), method, path, version);
    return res.body;
  }

  /** POST with `Upgrade: tcp`; resolves with the raw connection after `101 UPGRADED`. */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<{ socket: Duplex; contentType: string }> {
    const version = await this.negotiate();
    const headers = { ...opts.headers, Connection: 'Upgrade', Upgrade: 'tcp' };
    const req = this.#build(method, `/v${version}${path}`, { ...opts, headers });
    return new Promise((resolve, reject) => {
      req.on('upgrade', (res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve({ socket, contentType: header(res, 'content-type') ?? '' });
      });
      req.on('response', async (res) => reject(await responseError(res, method, path, version)));
      req.on('error', (err) => reject(connectError(err, this.endpoint.host)));
      writeBody(req, opts.body);
    });
  }

  async #sendWhole(method: string, path: string, opts: RequestOptions): Promise<WholeResponse> {
    const fullPath = path + queryString(opts.query);
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(JSON.stringify(opts.body));
    const headers = this.#headers(opts);
    this.#opts.debug?.(`--> ${method} ${fullPath}`);
    let res: WholeResponse;
    try {
      res = await this.#whole.request({ method, path: fullPath, headers, ...(body && { body }), ...(opts.signal && { signal: opts.signal }) });
    } catch (err) {
      // A header or path node:http would refuse is the caller's error, not the connection's.
      throw err instanceof TypeError ? err : connectError(err, this.endpoint.host);
    }
    this.#debugResponse(res);
    return res;
  }

  #headers(opts: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = {
      'User-Agent': `berth-client/${ENGINE_VERSION} (linux)`,
      ...this.#opts.headers,
      ...opts.headers,
    };
    if (opts.body !== undefined && !isStream(opts.body) && !Buffer.isBuffer(opts.body)) {
      headers['Content-Type'] = 'application/json';
    }
    return headers;
  }

  #send(method: string, path: string, opts: RequestOptions): Promise<IncomingMessage> {
    const req = this.#build(method, path, opts);
    return new Promise((resolve, reject) => {
      req.on('response', (res) => {
        this.#debugResponse(res);
        resolve(res);
      });
      req.on('error', (err) => reject(connectError(err, this.endpoint.host)));
      writeBody(req, opts.body);
    });
  }

  #build(method: string, path: string, opts: RequestOptions): ClientRequest {
    const fullPath = path + queryString(opts.query);
    const headers = this.#headers(opts);
    this.#opts.debug?.(`--> ${method} ${fullPath}`);
    const http = process.getBuiltinModule('node:http');
    if (!this.#agent) {
      // A private agent whose connections come from the endpoint's dialer (unix, tcp, tls, ssh);
      // node ignores a per-request createConnection when `agent: false` is given.
      this.#agent = new http.Agent({ keepAlive: false });
      const dial = this.#dial;
      this.#agent.createConnection = () => dial() as never;
    }
    return http.request({
      method,
      path: fullPath,
      host: 'docker',
      ...NO_SERVERNAME,
      headers,
      agent: this.#agent,
      ...(opts.signal && { signal: opts.signal }),
    });
  }

  #debugResponse(res: { statusCode?: number; statusMessage?: string; rawHeaders: string[] }): void {
    const debug = this.#opts.debug;
    if (!debug) return;
    debug(`<-- ${res.statusCode} ${res.statusMessage}`);
    for (let i = 0; i < res.rawHeaders.length; i += 2) debug(`    ${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  }
}

function writeBody(req: ClientRequest, body: unknown): void {
  if (body === undefined) return void req.end();
  if (isStream(body)) return void body.pipe(req);
  req.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

/** Node streams and stream-alikes (tar-stream's packs are streamx streams, not Readables). */
function isStream(body: unknown): body is Readable {
  return typeof (body as { pipe?: unknown } | null)?.pipe === 'function';
}

export function queryString(q: RequestOptions['query']): string {
  if (!q) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, typeof item === 'boolean' ? (item ? '1' : '0') : String(item));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The docker client's rules: JSON only when Content-Type is exactly application/json. */
async function responseError(res: IncomingMessage, method: string, path: string, version: string): Promise<BerthError> {
  return errorOf(res.statusCode ?? 500, res.statusMessage ?? '', header(res, 'content-type'), await readText(res), method, path, version);
}

function errorOf(status: number, statusMessage: string, contentType: string | undefined, text: string, method: string, path: string, version: string): BerthError {
  let message = text.trim();
  if (contentType === 'application/json') {
    try {
      const parsed = JSON.parse(text) as { message?: string };
      message = parsed.message ?? `API returned a ${status} (${statusMessage}) but provided no error-message`;
    } catch {
      /* keep the raw text */
    }
  }
  if (!message) message = `request returned ${statusMessage} for API route and version ${method} /v${version}${path}, check if the server supports the requested API version`;
  return new BerthError(kindOfStatus(status), message);
}
