// An upgraded request (exec start carries `{"Detach":false,"Tty":true}`) still has an ordinary
// body in front of the raw stream. Node hands us the socket plus what it had already read
// (`head`); take exactly Content-Length bytes and put the rest back for the hijacked stream.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const MAX_UPGRADE_BODY = 1024 * 1024;

export async function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length < 0 || length > MAX_UPGRADE_BODY) throw new Error('bad content-length');
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
