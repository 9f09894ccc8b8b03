// The typed core of berth's API client: one connection per request over the endpoint's dialer,
// version negotiation as the docker CLI does it, and error statuses mapped back to the same
// error kinds the daemon threw.
import http, { type IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { BerthError, kindOfStatus } from '../api/types/errors.ts';
import { MAX_API_VERSION, minVersion, versionLessThan } from '../api/types/version.ts';
import { dialerFor, type Dialer, type Endpoint } from './endpoint.ts';
import { connectError } from './connect-error.ts';
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
  readonly #agent: http.Agent;
  readonly #opts: ClientOptions;
  #version: string | undefined;

  constructor(opts: ClientOptions) {
    this.#opts = opts;
    this.endpoint = opts.endpoint;
    // A private agent whose connections come from the endpoint's dialer (unix, tcp, tls, ssh);
    // node ignores a per-request createConnection when `agent: false` is given.
    const dial: Dialer = dialerFor(opts.endpoint);
    this.#agent = new http.Agent({ keepAlive: false });
    this.#agent.createConnection = () => dial() as never;
  }

  get version(): string | undefined {
    return this.#version;
  }

  /** HEAD /_ping (then GET), use the lower of both maxima. */
  async negotiate(): Promise<string> {
    if (this.#version) return this.#version;
    let res = await this.#send('HEAD', '/_ping', {}).catch(() => undefined); // as docker: HEAD refused, GET then (its error is the one shown)
    if (!res || res.statusCode !== 200) res = await this.#send('GET', '/_ping', {});
    res.resume();
    const server = header(res, 'api-version');
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
    const res = await this.request(method, path, opts);
    const text = await readText(res);
    return (text ? JSON.parse(text) : undefined) as T;
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

  #build(method: string, path: string, opts: RequestOptions): http.ClientRequest {
    const fullPath = path + queryString(opts.query);
    const headers: Record<string, string> = {
      'User-Agent': `berth-client/${ENGINE_VERSION} (linux)`,
      ...this.#opts.headers,
      ...opts.headers,
    };
    if (opts.body !== undefined && !isStream(opts.body) && !Buffer.isBuffer(opts.body)) {
      headers['Content-Type'] = 'application/json';
    }
    this.#opts.debug?.(`--> ${method} ${fullPath}`);
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

  #debugResponse(res: IncomingMessage): void {
    const debug = this.#opts.debug;
    if (!debug) return;
    debug(`<-- ${res.statusCode} ${res.statusMessage}`);
    for (let i = 0; i < res.rawHeaders.length; i += 2) debug(`    ${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  }
}

function writeBody(req: http.ClientRequest, body: unknown): void {
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
  const status = res.statusCode ?? 500;
  const text = await readText(res);
  let message = text.trim();
  if (res.headers['content-type'] === 'application/json') {
    try {
      const parsed = JSON.parse(text) as { message?: string };
      message = parsed.message ?? `API returned a ${status} (${res.statusMessage}) but provided no error-message`;
    } catch {
      /* keep the raw text */
    }
  }
  if (!message) message = `request returned ${res.statusMessage} for API route and version ${method} /v${version}${path}, check if the server supports the requested API version`;
  return new BerthError(kindOfStatus(status), message);
}
