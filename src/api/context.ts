// What a route handler receives: the parsed request (params, query, negotiated API version)
// and a small set of ways to answer. Handlers parse, call their backend, write — nothing more.
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { ResponseSink, Headers } from './sink.ts';
import { readJsonBody, type JsonBodyOptions } from './request-body.ts';
import { versionAtLeast, versionLessThan } from './types/version.ts';
import type { RequestGuard } from '../authz/guard.ts';

export class RequestContext {
  readonly req: IncomingMessage;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** The API version the request asked for (its `/vX.Y` prefix), or the newest one. */
  readonly version: string;
  /** What a handler checks its parsed request against when a policy is active (else none). */
  readonly guard: RequestGuard | undefined;
  readonly #sink: ResponseSink;
  readonly #body: Readable;

  constructor(opts: {
    req: IncomingMessage;
    body: Readable;
    sink: ResponseSink;
    params: Record<string, string>;
    query: URLSearchParams;
    version: string;
    guard?: RequestGuard | undefined;
  }) {
    this.req = opts.req;
    this.#body = opts.body;
    this.#sink = opts.sink;
    this.params = opts.params;
    this.query = opts.query;
    this.version = opts.version;
    this.guard = opts.guard;
  }

  versionAtLeast(v: string): boolean {
    return versionAtLeast(this.version, v);
  }
  versionBelow(v: string): boolean {
    return versionLessThan(this.version, v);
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  get headersSent(): boolean {
    return this.#sink.headersSent;
  }

  /** The request body as a stream (build contexts, image tarballs, archive uploads). */
  body(): Readable {
    return this.#body;
  }

  async json<T = unknown>(opts?: JsonBodyOptions): Promise<T | undefined> {
    return (await readJsonBody(this.req, this.#body, opts)) as T | undefined;
  }

  setHeader(name: string, value: string | number): void {
    this.#sink.setHeader(name, value);
  }

  sendJson(status: number, value: unknown, headers: Headers = {}): void {
    const body = JSON.stringify(value) + '\n';
    this.#sink.send(status, { 'Content-Type': 'application/json', ...headers }, body);
  }

  sendText(status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
    this.#sink.send(status, { 'Content-Type': contentType }, text);
  }

  sendEmpty(status = 204, headers: Headers = {}): void {
    this.#sink.send(status, headers);
  }

  /** A streamed answer (progress, events, logs, tar); the caller writes and ends it.
   * `flush: false` when the body follows at once (headers go with it). */
  stream(status: number, contentType: string, headers: Headers = {}, flush = true): Writable {
    return this.#sink.begin(status, { 'Content-Type': contentType, ...headers }, flush);
  }

  /** Take over the connection: stdin arrives on it, output is written to it. */
  hijack(contentType: string): Duplex {
    return this.#sink.hijack({ 'Content-Type': contentType });
  }

  /** Runs when the client goes away, so long streams can stop their work. */
  onClose(fn: () => void): void {
    this.#sink.onClose(fn);
  }
}
