// A response sink that remembers the status it sent and tells when the response is over — what
// the audit log writes for each request (the server wraps the sink only when a policy is active).
import type { Duplex, Writable } from 'node:stream';
import type { Headers, ResponseSink } from './sink.ts';

export class StatusSink implements ResponseSink {
  readonly #inner: ResponseSink;
  status = 0;

  constructor(inner: ResponseSink) {
    this.#inner = inner;
  }
  get headersSent(): boolean {
    return this.#inner.headersSent;
  }
  setHeader(name: string, value: string | number): void {
    this.#inner.setHeader(name, value);
  }
  begin(status: number, headers: Headers, flush?: boolean): Writable {
    this.status = status;
    return this.#inner.begin(status, headers, flush);
  }
  send(status: number, headers: Headers, body?: string | Buffer): void {
    this.status = status;
    this.#inner.send(status, headers, body);
  }
  hijack(headers: Headers): Duplex {
    this.status = 101;
    return this.#inner.hijack(headers);
  }
  onClose(fn: () => void): void {
    this.#inner.onClose(fn);
  }
}
