// DNS for tests, on 127.0.0.1 only: a free port, a query over UDP or TCP, and an upstream
// server the test runs itself (never the machine's resolver).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import packet, { type DecodedPacket, type RecordType } from 'dns-packet';
import { frame } from '../network/dns/forwarder.ts';
import { within } from './until.ts';

export const LOCALHOST = '127.0.0.1';

/** A port free on 127.0.0.1 for both TCP and UDP (as a DNS listener needs both). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen({ host: LOCALHOST, port: 0 }, r));
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      udp.once('error', () => r(false));
      udp.bind({ address: LOCALHOST, port, exclusive: true }, () => r(true));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

export type Reply = DecodedPacket & { rcode: string };

/** One query to 127.0.0.1:port; the decoded answer (a timeout fails the test). */
export async function query(o: { port: number; name: string; type?: RecordType; tcp?: boolean; timeoutMs?: number }): Promise<Reply> {
  const msg = packet.encode({ type: 'query', id: Math.floor(Math.random() * 65535), flags: packet.RECURSION_DESIRED, questions: [{ type: o.type ?? 'A', name: o.name }] });
  const raw = await within(`a DNS answer for ${o.name} on port ${o.port}${o.tcp ? ' (tcp)' : ''}`, o.tcp ? tcpAsk(o.port, msg) : udpAsk(o.port, msg), o.timeoutMs ?? 5000);
  return packet.decode(raw) as Reply;
}

/** The A/AAAA addresses of an answer, in order. */
export function addresses(r: Reply): string[] {
  return (r.answers ?? []).map((a) => String((a as { data?: unknown }).data));
}

function udpAsk(port: number, msg: Buffer): Promise<Buffer> {
  const sock = createSocket('udp4');
  return new Promise<Buffer>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('message', resolve);
    sock.send(msg, port, LOCALHOST);
  }).finally(() => sock.close());
}

function tcpAsk(port: number, msg: Buffer): Promise<Buffer> {
  const sock = connect({ host: LOCALHOST, port });
  let got = Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('connect', () => sock.write(frame(msg)));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) resolve(got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    sock.on('close', () => reject(new Error('connection closed before an answer')));
  }).finally(() => sock.destroy());
}

export interface Upstream {
  port: number;
  /** Queries seen, as "udp A example.test". */
  seen: string[];
  close(): Promise<void>;
}

/** A DNS server on 127.0.0.1 answering A for `names` (TTL 60), NXDOMAIN for anything else. */
export async function startUpstream(names: Record<string, string>): Promise<Upstream> {
  const port = await freePort();
  const seen: string[] = [];
  const answer = (raw: Buffer, proto: string): Buffer => {
    const q = packet.decode(raw);
    const question = q.questions![0]!;
    seen.push(`${proto} ${question.type} ${question.name}`);
    const ip = question.type === 'A' ? names[question.name.toLowerCase()] : undefined;
    const nx = names[question.name.toLowerCase()] === undefined;
    return packet.encode({
      type: 'response', id: q.id ?? 0, flags: packet.RECURSION_AVAILABLE | (nx ? 3 : 0), questions: [question],
      answers: ip ? [{ type: 'A', name: question.name, ttl: 60, data: ip }] : [],
    });
  };
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (m, from) => udp.send(answer(m, 'udp'), from.port, from.address));
  await new Promise<void>((r) => udp.bind({ address: LOCALHOST, port, exclusive: true }, r));
  const tcp: Server = createServer((c) => {
    let got = Buffer.alloc(0);
    c.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) c.end(frame(answer(got.subarray(2, 2 + got.readUInt16BE(0)), 'tcp')));
    });
  });
  await new Promise<void>((r) => tcp.listen({ host: LOCALHOST, port }, r));
  return {
    port,
    seen,
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
