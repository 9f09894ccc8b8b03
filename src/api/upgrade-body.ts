// An upgraded request (exec start carries `{"Detach":false,"Tty":true}`) still has an ordinary
// body in front of the raw stream. Node hands us the socket plus what it had already read
// (`head`); take exactly Content-Length bytes and put the rest back for the hijacked stream.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { invalidParameter } from './types/errors.ts';

const MAX_UPGRADE_BODY = 1024 * 1024;

export async function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Buffer> {
  const raw = req.headers['content-length'] ?? '0';
  const length = /^\d+$/.test(raw) ? Number(raw) : NaN;
  // Refusals the server answers with a 400 (a reset would leave the client guessing).
  if (Number.isNaN(length)) throw invalidParameter(`invalid Content-Length: ${JSON.stringify(raw)}`);
  if (length > MAX_UPGRADE_BODY) throw invalidParameter(`request body too large: ${length} bytes, the limit is ${MAX_UPGRADE_BODY}`);
  let buf = head;
  while (buf.length < length) {
    const chunk = await nextChunk(socket);
    if (!chunk) throw new Error('connection closed while reading the request body');
    buf = Buffer.concat([buf, chunk]);
  }
  if (buf.length > length) socket.unshift(buf.subarray(length));
  return buf.subarray(0, length);
}

function nextChunk(socket: Duplex): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const onData = (c: Buffer) => {
      cleanup();
      socket.pause();
      resolve(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
