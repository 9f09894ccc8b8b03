// A small HTTP/1.1 client for the requests whose whole answer is read at once (the _ping and
// every JSON call), over connections from endpoint.ts's wholeDialerFor (a unix socket's without
// node:net: pipe-conn.ts), kept open between requests as docker's CLI keeps its one: `berth ps`
// pings and asks on one connection.
// Why not node:http: requiring it is most of what a Node CLI that talks HTTP pays at start
// (BENCHMARKS.md, the startup bench's floor row), more than the request's own round trip. What
// streams (logs, attach, build, pull, an upload) still goes through node:http, loaded on its
// first use (api-client.ts).
import type { Conn } from './pipe-conn.ts';
import { ResponseParser, type Head } from './http1-parser.ts';

export interface WholeResponse extends Head {
  body: Buffer;
}

export interface WholeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

/** Methods node:http sends a Content-Length: 0 for when they carry no body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;
const BAD_PATH = /[\x00-\x20\x7f]/;

export class Http1Client {
  readonly #dial: () => Conn;
  readonly #idle: Conn[] = [];

  constructor(dial: () => Conn) {
    this.#dial = dial;
  }

  /** One request on an idle connection (or a new one); the answer read to its end. */
  async request(req: WholeRequest): Promise<WholeResponse> {
    const wire = encode(req);
    const reused = this.#idle.pop();
    if (!reused) return this.#exchange(this.#connect(), wire, req, false);
    try {
      return await this.#exchange(reused, wire, req, true);
    } catch (err) {
      // The daemon may close an idle connection as it is reused; a request it never answered at
      // all is sent again on a new one (only those that change nothing, as Go's transport does).
      if (!(err instanceof UnansweredError) || !(req.method === 'GET' || req.method === 'HEAD')) throw err;
      return this.#exchange(this.#connect(), wire, req, false);
    }
  }

  #connect(): Conn {
    const socket = this.#dial();
    // For its whole life: a close while idle drops it from the pool; an error while idle (the
    // daemon going away) is no one's to report, the next request on it would not be sent.
    socket.on('close', () => this.#forget(socket)).on('error', () => {});
    return socket;
  }

  #exchange(socket: Conn, wire: Buffer, req: WholeRequest, reused: boolean): Promise<WholeResponse> {
    const parser = new ResponseParser(req.method === 'HEAD');
    const net = socket as Conn & { ref?: () => void; unref?: () => void };
    net.ref?.();
    return new Promise<WholeResponse>((resolve, reject) => {
      let answered = false;
      const done = (err: Error | undefined, res?: WholeResponse) => {
        socket.off('data', onData).off('end', onEnd).off('error', onError).off('close', onEnd);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) {
          socket.destroy();
          return reject(err);
        }
        // An idle connection must not keep the CLI from exiting: only one that can be unref'd is
        // kept (a socket; not ssh's pipes to a child process).
        if (parser.reusable && net.unref) {
          net.unref();
          this.#idle.push(socket);
        } else socket.destroy();
        resolve(res!);
      };
      const onData = (chunk: Buffer) => {
        answered = true;
        try {
          const res = parser.push(chunk);
          if (res) done(undefined, res);
        } catch (err) {
          done(err as Error);
        }
      };
      const onEnd = () => {
        const res = parser.end();
        if (res) return done(undefined, res);
        if (!answered && reused) return done(new UnansweredError());
        done(Object.assign(new Error(answered ? 'unexpected EOF in the middle of the answer' : 'EOF'), { code: 'ECONNRESET' }));
      };
      const onError = (err: Error) => done(!answered && reused ? new UnansweredError() : err);
      const onAbort = () => done(req.signal!.reason instanceof Error ? req.signal!.reason : new DOMException('This operation was aborted', 'AbortError'));
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort);
      socket.on('data', onData).on('end', onEnd).on('error', onError).on('close', onEnd);
      socket.write(wire);
    });
  }

  #forget(socket: Conn): void {
    const at = this.#idle.indexOf(socket);
    if (at >= 0) this.#idle.splice(at, 1);
  }
}

/** No byte of an answer came: a dial that failed, or an idle connection the daemon had closed. */
export class UnansweredError extends Error {
  constructor() {
    super('the daemon closed the connection before answering');
  }
}

/** The request as bytes; refuses what node:http refuses (a header or path that would split it). */
function encode(req: WholeRequest): Buffer {
  if (BAD_PATH.test(req.path)) throw new TypeError(`Request path contains unescaped characters: ${JSON.stringify(req.path)}`);
  let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: docker\r\n`;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
    if (BAD_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
    head += `${name}: ${value}\r\n`;
  }
  if (req.body) head += `Content-Length: ${req.body.length}\r\n`;
  else if (BODY_METHODS.has(req.method)) head += 'Content-Length: 0\r\n';
  head += '\r\n';
  return req.body ? Buffer.concat([Buffer.from(head, 'latin1'), req.body]) : Buffer.from(head, 'latin1');
}
