// The HTTP front of berthd: version prefix, dockerd's common headers, routing, and the one place
// where errors become status codes. Routers never see any of this.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type https from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { Readable, type Duplex } from 'node:stream';
import { RequestContext } from './context.ts';
import { HttpSink, RawSink, WebSocketSink, type ResponseSink, type WebSockets } from './sink.ts';
import type { Route } from './route.ts';
import { Router } from './router.ts';
import { checkQueryEscapes } from './query.ts';
import { BerthError, statusOfKind } from './types/errors.ts';
import { MAX_API_VERSION, MIN_API_VERSION, versionLessThan } from './types/version.ts';
import { readUpgradeBody } from './upgrade-body.ts';
import { answerPlainHttp } from './tls-sniff.ts';
import type { Logger } from '../lib/logger.ts';
import { logFailure } from '../lib/log-failure.ts';
import type { AuthorizeRequest, Authorized } from '../authz/authorizer.ts';
import { StatusSink } from './status-sink.ts';
import { listenAddress } from '../authz/identity.ts';

export interface ApiServerOptions {
  routes: Route[];
  logger: Logger;
  /** Value of the `Server` header, e.g. `berth/0.1.0 (linux)`. */
  serverHeader: string;
  experimental?: boolean;
  /** The authorization policy's door (authz/authorizer.ts): a guard for an allowed request, a
   * 403 thrown for a refused one. Absent: no policy, everyone who can connect may do anything. */
  authorize?: (r: AuthorizeRequest) => Authorized;
}

const VERSION_PREFIX = /^\/v([0-9.]+)(\/.*)$/;

/** Emitted on an API server to cut every connection, hijacked ones included (shutdown). */
export const FORCE_CLOSE = 'berth:force-close';

export interface TlsServerOptions extends SecureContextOptions {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

/** An HTTP server for the API; an HTTPS one when tls options are given (tcp listeners). */
export function createApiServer(opts: ApiServerOptions, tls?: TlsServerOptions): http.Server {
  const router = new Router();
  for (const route of opts.routes) router.add(route);

  const serverOptions: http.ServerOptions = {
    keepAliveTimeout: 65_000,
    requestTimeout: 0,
    shouldUpgradeCallback: (req) => {
      const { path } = splitVersion(req.url ?? '/');
      return router.find(req.method ?? 'GET', path.pathname)?.route.hijack === true;
    },
  };
  // node:https (with tls and crypto's ciphers) is loaded only for a TLS listener: a daemon on a
  // unix socket never needs it, and loading it costs ~20 ms of every start (issue 12).
  // allowHalfOpen: a hijacked stream's client half-closes its side when it has no more input
  // (the docker CLI's CloseWrite: a TLS close_notify here), and the output must go on flowing;
  // without it Node ends a TLS socket's writable side as soon as its readable side ends, so
  // `docker run` over --tlsverify printed nothing. (http.Server sets it for plain sockets.)
  const server: http.Server = tls ? process.getBuiltinModule('node:https').createServer({ ...serverOptions, allowHalfOpen: true, ...tls }) : http.createServer(serverOptions);
  if (tls) answerPlainHttp(server as https.Server);

  const dispatch = async (req: IncomingMessage, sink: ResponseSink, body: Readable): Promise<void> => {
    const { version, path } = splitVersion(req.url ?? '/');
    if (req.method === 'OPTIONS') return sink.send(200, {});
    const match = router.find(req.method ?? 'GET', path.pathname);
    if (!match) {
      return sink.send(404, { 'Content-Type': 'application/json' }, '{"message":"page not found"}\n');
    }
    sink.setHeader('Server', opts.serverHeader);
    sink.setHeader('Api-Version', MAX_API_VERSION);
    sink.setHeader('Ostype', 'linux');
    const requested = version ?? MAX_API_VERSION;
    const versionError = checkVersion(requested);
    // Too old or too new, JSON like every other error (dockerd answers below 1.24 in plain text,
    // which only clients that old expect; no client we serve is).
    if (versionError) return sendError(sink, new BerthError('invalid-parameter', versionError));
    sink.setHeader('Docker-Experimental', String(opts.experimental ?? false));
    const { route, params } = match;
    try {
      // Before anything of the request is looked at, whatever its API version or body encoding.
      const authorized = opts.authorize?.({ req, method: route.method, path: route.path, params, query: path.searchParams, address: listenAddress(server.address()) });
      if (authorized) {
        const watched = (sink = new StatusSink(sink));
        sink.onClose(() => authorized.finish(watched.status));
      }
      const ctx = new RequestContext({ req, body, sink, params, query: path.searchParams, version: requested, guard: authorized?.guard });
      checkQueryEscapes(path.search);
      if (route.minVersion && versionLessThan(requested, route.minVersion)) {
        throw new BerthError('invalid-parameter', `${req.method} ${path.pathname} requires minimum API version ${route.minVersion}`);
      }
      await route.handler(ctx);
    } catch (err) {
      if (!(err instanceof BerthError) || err.kind === 'system') {
        opts.logger.error('request failed', { method: req.method, url: req.url, error: errorText(err) });
      }
      if (sink.headersSent) {
        req.socket.destroy();
        return;
      }
      sendError(sink, err);
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    opts.logger.debug('request', { method: req.method, url: req.url });
    void dispatch(req, new HttpSink(res), req);
  });
  // Hijacked connections are no longer the HTTP server's: close() would wait for them forever,
  // so shutdown cuts them explicitly (see FORCE_CLOSE).
  const hijacked = new Set<Duplex>();
  // ws is loaded at the first websocket attach (rare): an idle daemon need not compile or hold it.
  let websockets: Promise<WebSockets> | undefined;
  const loadWs = () => (websockets ??= import('ws').then((m) => ({ wss: new m.WebSocketServer({ noServer: true }), stream: m.createWebSocketStream })));
  server.on(FORCE_CLOSE, () => {
    for (const s of hijacked) s.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    opts.logger.debug('upgrade request', { method: req.method, url: req.url });
    hijacked.add(socket);
    socket.once('close', () => hijacked.delete(socket));
    socket.on('error', () => socket.destroy());
    if (req.headers.upgrade?.toLowerCase() === 'websocket') {
      // A ws that fails to load (berthd-lazy.js missing or not this build's) is in the log.
      const failed = logFailure(opts.logger, 'websocket attach', { fields: { url: req.url }, level: 'warn' });
      return void loadWs().then((ws) => dispatch(req, new WebSocketSink(req, socket, head, ws), Readable.from([]))).catch((err: unknown) => (failed(err), socket.destroy()));
    }
    readUpgradeBody(req, socket, head).then(
      (body) => dispatch(req, new RawSink(socket), Readable.from(body.length ? [body] : [])),
      // A body it cannot take is answered; a client gone half way has nobody to answer.
      (err: unknown) => (err instanceof BerthError ? sendError(new RawSink(socket), err) : socket.destroy()),
    );
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"malformed HTTP request"}\n');
  });
  return server;
}

function splitVersion(rawUrl: string): { version?: string; path: URL } {
  const url = new URL(rawUrl, 'http://berth');
  const m = VERSION_PREFIX.exec(url.pathname);
  if (!m) return { path: url };
  url.pathname = m[2]!;
  return { version: m[1]!, path: url };
}

/** The version error's text, if any (dockerd's texts; below 1.24 is too old). */
function checkVersion(v: string): string | undefined {
  if (!/^\d+(\.\d+)*$/.test(v)) return `invalid API version format: ${v}`;
  if (versionLessThan(v, MIN_API_VERSION)) {
    return `client version ${v} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`;
  }
  if (versionLessThan(MAX_API_VERSION, v)) return `client version ${v} is too new. Maximum supported API version is ${MAX_API_VERSION}`;
  return undefined;
}

function sendError(sink: ResponseSink, err: unknown): void {
  const status = err instanceof BerthError ? statusOfKind(err.kind) : 500;
  if (status === 304) return sink.send(304, {});
  sink.send(status, { 'Content-Type': 'application/json' }, JSON.stringify({ message: errorText(err) }) + '\n');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
