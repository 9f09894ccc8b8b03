// One query, one answer: what berth-dns says to a container asking on its network's address.
// A and AAAA for the network's own names, and PTR for their addresses, are answered here (TTL
// 600, as Docker's embedded DNS);
// a name the network has without an address of the asked family is NOERROR with no answers (it
// exists: a client must not go and ask the outside world for it); everything else — other
// names, other types, other classes — is forwarded upstream and the upstream's answer relayed;
// no upstream answering is SERVFAIL.
import packet, { type DecodedPacket, type Question, type StringAnswer } from 'dns-packet';
import { forward } from './forwarder.ts';
import type { NameTable } from './name-table.ts';
import type { HostPort } from './records.ts';

export const TTL = 600;
/** Without EDNS a UDP answer may not exceed 512 bytes (RFC 1035 4.2.1): beyond, set TC. */
const UDP_MAX = 512;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NOTIMP: 4 } as const;
const OPCODE_BITS = 0x7800;

export interface Resolver {
  table: NameTable;
  upstreams: readonly HostPort[];
}

export type Outcome = 'local' | 'forwarded' | 'servfail' | 'error';

/** The answer to `raw` (undefined: not a DNS query, say nothing) and how it was made. */
export async function respond(raw: Buffer, r: Resolver, tcp: boolean): Promise<{ answer?: Buffer; outcome: Outcome }> {
  let q: DecodedPacket & { opcode?: string };
  try {
    q = packet.decode(raw);
  } catch {
    return { outcome: 'error' };
  }
  if (q.flag_qr) return { outcome: 'error' }; // an answer sent to us: answering it could loop
  if (q.opcode !== 'QUERY') return { answer: reply(raw, q, RCODE.NOTIMP), outcome: 'error' };
  const question = q.questions?.length === 1 ? q.questions[0]! : undefined;
  if (!question) return { answer: reply(raw, q, RCODE.FORMERR), outcome: 'error' };
  const local = answerLocally(q, question, r.table, tcp);
  if (local) return { answer: local, outcome: 'local' };
  const relayed = await forward(raw, r.upstreams, tcp);
  if (relayed) return { answer: relayed, outcome: 'forwarded' };
  return { answer: reply(raw, q, RCODE.SERVFAIL), outcome: 'servfail' };
}

function localAnswers(question: Question, table: NameTable): StringAnswer[] | undefined {
  if ((question.class ?? 'IN') !== 'IN') return undefined;
  const { type, name } = question;
  if (type === 'PTR') {
    const target = table.pointer(name);
    return target === undefined ? undefined : [{ type, class: 'IN', name, ttl: TTL, data: target }];
  }
  if (type !== 'A' && type !== 'AAAA') return undefined;
  return table.lookup(name, type === 'A' ? 4 : 6)?.map((data) => ({ type, class: 'IN', name, ttl: TTL, data }));
}

function answerLocally(q: DecodedPacket, question: Question, table: NameTable, tcp: boolean): Buffer | undefined {
  const answers = localAnswers(question, table);
  if (!answers) return undefined;
  const flags = packet.AUTHORITATIVE_ANSWER | packet.RECURSION_AVAILABLE | (q.flag_rd ? packet.RECURSION_DESIRED : 0);
  const msg = packet.encode({ type: 'response', id: q.id ?? 0, flags, questions: [question], answers });
  if (tcp || msg.length <= UDP_MAX) return msg;
  // Too many containers share this alias for one datagram: the client asks again over TCP.
  return packet.encode({ type: 'response', id: q.id ?? 0, flags: flags | packet.TRUNCATED_RESPONSE, questions: [question], answers: [] });
}

/** An answer with no records and `rcode`, keeping the query's id, opcode and question. */
function reply(raw: Buffer, q: DecodedPacket, rcode: number): Buffer {
  const flags = (raw.readUInt16BE(2) & OPCODE_BITS) | packet.RECURSION_AVAILABLE | (q.flag_rd ? packet.RECURSION_DESIRED : 0) | rcode;
  return packet.encode({ type: 'response', id: q.id ?? 0, flags, questions: q.questions ?? [] });
}
