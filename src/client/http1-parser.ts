// The reading half of http1.ts: an HTTP/1.1 response, fed in chunks as they arrive, with its
// body framed by Content-Length, chunked transfer coding, or the end of the connection.

export interface Head {
  statusCode: number;
  statusMessage: string;
  /** Lower-case names; a repeated header's values joined with ', ' (node:http's rule for most). */
  headers: Record<string, string>;
  /** Names as sent and values, alternating (node:http's rawHeaders). */
  rawHeaders: string[];
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** A head larger than node:http's default limit is no answer a daemon gives. */
const MAX_HEAD = 16 * 1024;

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

export class ResponseParser {
  readonly #noBody: boolean;
  #buf: Buffer = Buffer.alloc(0);
  #head: Head | undefined;
  #framing: Framing | undefined;
  readonly #body: Buffer[] = [];
  /** Whether the connection can carry another request once this answer is read. */
  reusable = false;

  /** `noBody`: the request was a HEAD, whose answer has headers only. */
  constructor(noBody: boolean) {
    this.#noBody = noBody;
  }

  /** Takes the next bytes; the whole response once its last byte is in. */
  push(chunk: Buffer): (Head & { body: Buffer }) | undefined {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    if (!this.#head && !this.#readHead()) return undefined;
    return this.#readBody() ? this.#finish() : undefined;
  }

  /** The connection ended: the response, when its framing allows it to end there. */
  end(): (Head & { body: Buffer }) | undefined {
    if (this.#framing?.kind !== 'close') return undefined;
    this.#body.push(this.#buf);
    this.reusable = false;
    return this.#finish();
  }

  #readHead(): boolean {
    for (;;) {
      const at = this.#buf.indexOf(HEAD_END);
      if (at < 0) {
        if (this.#buf.length > MAX_HEAD) throw new Error('the daemon sent an HTTP header larger than 16 KiB');
        return false;
      }
      const lines = this.#buf.subarray(0, at).toString('latin1').split('\r\n');
      this.#buf = this.#buf.subarray(at + 4);
      const status = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
      if (!status) throw new Error(`malformed HTTP response ${JSON.stringify(lines[0])}`);
      const code = Number(status[2]);
      // An interim answer (100 Continue) is followed by the real one.
      if (code >= 100 && code < 200) continue;
      const head: Head = { statusCode: code, statusMessage: status[3] ?? '', headers: {}, rawHeaders: [] };
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error(`malformed HTTP header ${JSON.stringify(line)}`);
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        head.rawHeaders.push(name, value);
        const key = name.toLowerCase();
        head.headers[key] = key in head.headers ? `${head.headers[key]}, ${value}` : value;
      }
      this.#head = head;
      this.#framing = framing(head, this.#noBody);
      const conn = (head.headers.connection ?? '').toLowerCase();
      this.reusable = this.#framing.kind !== 'close' && (status[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive'));
      return true;
    }
  }

  /** Moves body bytes out of the buffer; true once the body is complete. */
  #readBody(): boolean {
    const f = this.#framing!;
    if (f.kind === 'none') return true;
    if (f.kind === 'close') {
      this.#body.push(this.#buf);
      this.#buf = Buffer.alloc(0);
      return false;
    }
    if (f.kind === 'length') {
      const take = Math.min(f.left, this.#buf.length);
      this.#body.push(this.#buf.subarray(0, take));
      this.#buf = this.#buf.subarray(take);
      f.left -= take;
      return f.left === 0;
    }
    return this.#readChunks();
  }

  /** Chunked coding: `size[;ext]\r\n data \r\n` until a zero size, then trailers and a blank line. */
  #readChunks(): boolean {
    for (;;) {
      const eol = this.#buf.indexOf(CRLF);
      if (eol < 0) return false;
      const size = parseInt(this.#buf.subarray(0, eol).toString('latin1').split(';')[0]!.trim(), 16);
      if (!Number.isInteger(size) || size < 0) throw new Error('malformed chunked encoding in the answer');
      if (size === 0) {
        // Trailers (none from a daemon, but allowed), then the blank line that ends the message.
        return this.#buf.indexOf(HEAD_END, eol) >= 0;
      }
      if (this.#buf.length < eol + 2 + size + 2) return false;
      this.#body.push(this.#buf.subarray(eol + 2, eol + 2 + size));
      this.#buf = this.#buf.subarray(eol + 2 + size + 2);
    }
  }

  #finish(): Head & { body: Buffer } {
    return { ...this.#head!, body: Buffer.concat(this.#body) };
  }
}

function framing(head: Head, noBody: boolean): Framing {
  const code = head.statusCode;
  if (noBody || code === 204 || code === 304) return { kind: 'none' };
  if (/\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '')) return { kind: 'chunked' };
  const length = head.headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`malformed Content-Length ${JSON.stringify(length)}`);
    return n === 0 ? { kind: 'none' } : { kind: 'length', left: n };
  }
  return { kind: 'close' };
}
