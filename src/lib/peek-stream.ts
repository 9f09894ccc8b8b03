// The first bytes of a stream, to tell what it is (a compressed tar, a tar, a Dockerfile),
// without losing them for whoever reads the stream next.
import { Readable } from 'node:stream';

/** Read at least n bytes (or to the end) and put them back in front of the stream. A stream
 * that has ended takes nothing back (unshift after 'end' loses the bytes): a body shorter than
 * n is handed on as a new stream of those bytes. */
export async function peekStream(source: Readable, n: number): Promise<{ head: Buffer; source: Readable }> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const chunk: Buffer | null = source.read() ?? (await nextChunk(source));
    if (!chunk) break;
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(chunks);
  if (source.readableEnded) return { head, source: Readable.from(head.length ? [head] : []) };
  if (head.length) source.unshift(head);
  return { head, source };
}

function nextChunk(source: Readable): Promise<Buffer | null> {
  // Drained to its end already: its 'end' may have gone out before anyone listened.
  if (source.readableEnded || source.destroyed) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const done = () => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', onError);
    };
    const onReadable = () => {
      const c = source.read() as Buffer | null;
      if (c) {
        done();
        resolve(c);
      }
    };
    const onEnd = () => (done(), resolve(null));
    const onError = (e: Error) => (done(), reject(e));
    source.on('readable', onReadable);
    source.once('end', onEnd);
    source.once('error', onError);
  });
}
