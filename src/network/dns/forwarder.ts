// Names a network does not know go to the host's resolvers (the records' `upstream`), and their
// answer is relayed byte for byte: berth-dns adds nothing to what the outside world says.
// UDP queries go over UDP, each try on a fresh connected socket (a random source port, and the
// kernel reports a refused port at once, so the next upstream is tried without waiting); TCP
// queries go over TCP (a client only asks over TCP after a truncated UDP answer, so the full
// answer must come over TCP too). The whole search is bounded (~2 s): clients retry on their
// own, and one that waits 5 s (glibc's default) is better served by an early SERVFAIL.
import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import type { HostPort } from './records.ts';

export const FORWARD_BUDGET_MS = 2000;
const MIN_TRY_MS = 400;

type Try = (query: Buffer, up: HostPort, timeoutMs: number) => Promise<Buffer>;

/** The first upstream's answer, or undefined when none answered within the budget. */
export async function forward(query: Buffer, upstreams: readonly HostPort[], tcp: boolean, budgetMs = FORWARD_BUDGET_MS): Promise<Buffer | undefined> {
  const deadline = Date.now() + budgetMs;
  const perTry = Math.max(MIN_TRY_MS, Math.floor(budgetMs / Math.max(1, upstreams.length)));
  const attempt: Try = tcp ? tcpTry : udpTry;
  for (const up of upstreams) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      return await attempt(query, up, Math.min(perTry, left));
    } catch {
      // This upstream is down, refused or slow: the next one is the fallback, and a query no
      // upstream answers becomes a SERVFAIL the caller logs.
    }
  }
  return undefined;
}

function udpTry(query: Buffer, up: HostPort, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(up.host) === 6 ? 'udp6' : 'udp4');
    let over = false;
    const end = (err: Error | undefined, msg?: Buffer): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => end(new Error(`no answer from ${up.host}:${up.port}`)), timeoutMs);
    sock.on('error', (err) => end(err));
    // A connected socket only gets datagrams from the upstream; the id check drops a late
    // answer to someone else's query (cannot happen on a fresh port, but costs nothing).
    sock.on('message', (msg) => {
      if (msg.length >= 12 && msg.readUInt16BE(0) === query.readUInt16BE(0)) end(undefined, msg);
    });
    sock.connect(up.port, up.host, () => {
      if (!over) sock.send(query, (err) => err && end(err)); // a closed socket's send throws
    });
  });
}

function tcpTry(query: Buffer, up: HostPort, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: up.host, port: up.port });
    let got = Buffer.alloc(0);
    let over = false;
    const end = (err: Error | undefined, msg?: Buffer): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => end(new Error(`no answer from ${up.host}:${up.port} (tcp)`)), timeoutMs);
    sock.on('error', (err) => end(err));
    sock.on('close', () => end(new Error(`${up.host}:${up.port} closed the connection`)));
    sock.on('connect', () => sock.write(frame(query)));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) end(undefined, got.subarray(2, 2 + got.readUInt16BE(0)));
    });
  });
}

/** A DNS message as TCP carries it: a two-byte length, then the message (RFC 1035 4.2.2). */
export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}
