// Where a handler's response goes. Ordinary requests answer through node's ServerResponse;
// requests that arrived as `Upgrade: tcp` (attach, exec start) own the raw socket, so their
// status line and headers are written by hand — the docker CLI insists on `101 UPGRADED`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket, WebSocketServer, createWebSocketStream } from 'ws';
import { STATUS_CODES } from 'node:http';
import { httpDate } from '../lib/utc-time.ts';
import type { Duplex, Writable } from 'node:stream';

export type Headers = Record<string, string | number>;

export interface ResponseSink {
  readonly headersSent: boolean;
  setHeader(name: string, value: string | number): void;
  /** Send the status line and headers (`flush`: now; else with the body's first bytes, one
   * write fewer for an answer that is ready at once); the returned stream carries the body. */
  begin(status: number, headers: Headers, flush?: boolean): Writable;
  /** The whole response in one call. */
  send(status: number, headers: Headers, body?: string | Buffer): void;
  /** Hand over the raw connection after a `101 UPGRADED` (or legacy 200) head. */
  hijack(headers: Headers): Duplex;
  /** Runs once, when this response is over: sent, or cut by the client going away. */
  onClose(fn: () => void): void;
}

export class HttpSink implements ResponseSink {
  readonly #res: ServerResponse;
  constructor(res: ServerResponse) {
    this.#res = res;
  }
  get headersSent(): boolean {
    return this.#res.headersSent;
  }
  setHeader(name: string, value: string | number): void {
    this.#res.setHeader(name, value);
  }
  begin(status: number, headers: Headers, flush = true): Writable {
    this.#res.writeHead(status, dated(headers));
    if (flush) this.#res.flushHeaders();
    return this.#res;
  }
  send(status: number, headers: Headers, body?: string | Buffer): void {
    // An empty answer still says so (HEAD /_ping carries Content-Length: 0), except where
    // HTTP forbids a length (204, 304).
    if (body !== undefined) headers = { ...headers, 'Content-Length': Buffer.byteLength(body) };
    else if (status !== 204 && status !== 304) headers = { ...headers, 'Content-Length': 0 };
    this.#res.writeHead(status, dated(headers));
    this.#res.end(body);
  }
  hijack(headers: Headers): Duplex {
    // A client that did not ask to upgrade (API < 1.24 style) gets the raw stream after a 200.
    const socket = this.#res.socket;
    if (!socket) throw new Error('connection already closed');
    this.#res.detachSocket(socket);
    socket.write(rawHead(200, headers));
    return socket;
  }
  onClose(fn: () => void): void {
    // The response's close, not the socket's: a keep-alive connection carries many requests,
    // and a listener per request on it would pile up there (MaxListenersExceededWarning).
    this.#res.once('close', fn);
  }
}

/** The Date header node would add, last of ours as node's is, made without node's utcDate():
 * its toUTCString() pages in ICU's time-zone names (0.6 MiB of the idle daemon, src/lib/utc-time.ts). */
function dated(headers: Headers): Headers {
  return { ...headers, Date: httpDate() };
}

export class RawSink implements ResponseSink {
  readonly #socket: Duplex;
  readonly #headers: Headers = {};
  #sent = false;
  constructor(socket: Duplex) {
    this.#socket = socket;
  }
  get headersSent(): boolean {
    return this.#sent;
  }
  setHeader(name: string, value: string | number): void {
    this.#headers[name] = value;
  }
  begin(status: number, headers: Headers): Writable {
    this.#sent = true;
    this.#socket.write(rawHead(status, { ...this.#headers, ...headers, Connection: 'close' }));
    return this.#socket;
  }
  send(status: number, headers: Headers, body?: string | Buffer): void {
    const h: Headers = { ...headers, 'Content-Length': body === undefined ? 0 : Buffer.byteLength(body) };
    this.begin(status, h);
    this.#socket.end(body);
  }
  hijack(headers: Headers): Duplex {
    this.#sent = true;
    this.#socket.write(
      rawHead(101, { ...headers, Connection: 'Upgrade', Upgrade: 'tcp', ...this.#headers }, 'UPGRADED'),
    );
    return this.#socket;
  }
  onClose(fn: () => void): void {
    // An upgraded connection carries this one request: its end is the socket's.
    this.#socket.once('close', fn);
  }
}

function rawHead(status: number, headers: Headers, reason = STATUS_CODES[status] ?? ''): string {
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return head + '\r\n';
}

/**
 * A request that asked for `Upgrade: websocket` (attach/ws). Errors before the handover are
 * plain HTTP answers, as on a raw socket; the handover is the WebSocket handshake, and the
 * connection becomes a byte stream of binary frames (text frames from the client are bytes too).
 */
export interface WebSockets {
  wss: WebSocketServer;
  stream: typeof createWebSocketStream;
}

export class WebSocketSink extends RawSink {
  readonly #upgrade: { req: IncomingMessage; socket: Duplex; head: Buffer; ws: WebSockets };
  /** `ws`: the ws module's server and stream, which server.ts loads at the first websocket. */
  constructor(req: IncomingMessage, socket: Duplex, head: Buffer, ws: WebSockets) {
    super(socket);
    this.#upgrade = { req, socket, head, ws };
  }
  override hijack(): Duplex {
    const { req, socket, head, ws: { wss, stream } } = this.#upgrade;
    let ws: WebSocket | undefined;
    // Without verifyClient the handshake completes synchronously.
    wss.handleUpgrade(req, socket, head, (w) => (ws = w));
    if (!ws) throw new Error('websocket handshake failed');
    return stream(ws);
  }
}
