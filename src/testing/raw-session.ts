// A hijacked API session on a raw socket, for tests that check the bytes a client gets (frame
// boundaries, the head's content type, when the server closes) rather than what a client
// library makes of them.
import net from 'node:net';
import { until } from './until.ts';

export interface RawSession {
  /** The response head (status line and headers), once it arrived. */
  head: string;
  /** Everything after the head so far. */
  readonly body: Buffer;
  /** Whether the server has ended the stream. */
  readonly ended: boolean;
  write(data: string | Buffer): void;
  /** shutdown(SHUT_WR): the client's EOF. */
  shut(): void;
  /** Waits (bounded) until the body satisfies `check`. */
  waitFor(what: string, check: (body: Buffer) => boolean, timeoutMs?: number): Promise<void>;
  /** Waits (bounded) for the server to end the stream. */
  waitEnd(timeoutMs?: number): Promise<void>;
  close(): void;
}

/** POSTs `path` (with the version prefix) asking to upgrade, and resolves once the head is in. */
export async function rawSession(socketPath: string, version: string, path: string, body?: unknown): Promise<RawSession> {
  const conn = net.connect(socketPath);
  const json = body === undefined ? '' : JSON.stringify(body);
  conn.write(`POST /v${version}${path} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  let buf = Buffer.alloc(0);
  let headEnd = -1;
  let ended = false;
  conn.on('data', (c: Buffer) => (buf = Buffer.concat([buf, c])));
  conn.on('end', () => (ended = true));
  conn.on('error', () => (ended = true));
  await until(`the response head of ${path}`, () => (headEnd = buf.indexOf('\r\n\r\n')) >= 0 || ended);
  const s: RawSession = {
    head: buf.subarray(0, Math.max(headEnd, 0)).toString('latin1'),
    get body() {
      return buf.subarray(headEnd + 4);
    },
    get ended() {
      return ended;
    },
    write: (d) => void conn.write(d),
    shut: () => void conn.end(),
    waitFor: (what, check, timeoutMs = 10_000) => until(what, () => check(s.body), { timeoutMs }),
    waitEnd: (timeoutMs = 10_000) => until(`the server ends the stream of ${path}`, () => ended, { timeoutMs }),
    close: () => void conn.destroy(),
  };
  return s;
}

/** Splits a multiplexed (stdcopy) body into [stream, payload] frames; throws on a torn frame. */
export function framesOf(body: Buffer): [number, string][] {
  const out: [number, string][] = [];
  for (let i = 0; i < body.length; ) {
    if (body.length < i + 8) throw new Error(`a torn frame header at ${i}: ${JSON.stringify(body.subarray(i).toString('latin1'))}`);
    const size = body.readUInt32BE(i + 4);
    if (body[i + 1] !== 0 || body[i + 2] !== 0 || body[i + 3] !== 0 || body[i]! > 3) throw new Error(`not a frame header at ${i}: ${body.subarray(i, i + 8).toString('hex')}`);
    out.push([body[i]!, body.subarray(i + 8, i + 8 + size).toString('latin1')]);
    i += 8 + size;
  }
  return out;
}

/** The head's Content-Type. */
export const contentType = (head: string): string | undefined => /\r\nContent-Type: ([^\r]*)/i.exec(head)?.[1];
