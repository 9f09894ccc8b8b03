// A plain-HTTP request sent to the TLS port gets the answer Go's server (so dockerd) gives it
// instead of a TLS alert the client shows as an empty reply. Every TLS connection starts with a
// handshake record (content type 22, 0x16); any other first byte is not TLS, and the client that
// sent it most likely speaks HTTP (`DOCKER_HOST=tcp://…:2376` without DOCKER_TLS_VERIFY). Go
// answers only when the first bytes look like GET, HEAD, POST, PUT or OPTIONS and closes
// silently otherwise; we answer every non-TLS client, as the status is what it needs to read.
import type { Server as TlsServer } from 'node:tls';
import type { Socket } from 'node:net';

const HANDSHAKE = 0x16;
/** Go's bytes exactly: HTTP/1.0, no headers, the text, closed. */
export const PLAIN_HTTP_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
/** A connection that sends nothing at all is let go after as long as Node's TLS handshake waits. */
const FIRST_BYTE_TIMEOUT_MS = 120_000;

/** Puts the sniff in front of the TLS server's own handling of each accepted connection. */
export function answerPlainHttp(server: TlsServer): void {
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  // tls.Server wraps each connection in one listener; anything else means Node changed shape.
  if (listeners.length !== 1) throw new Error(`expected one connection listener on the TLS server, found ${listeners.length}`);
  const startTls = listeners[0]!;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => sniff(socket, () => startTls.call(server, socket)));
}

function sniff(socket: Socket, startTls: () => void): void {
  const onError = (): void => void socket.destroy();
  socket.on('error', onError);
  socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
  socket.once('data', (first: Buffer) => {
    socket.pause();
    socket.setTimeout(0);
    socket.off('error', onError);
    if (first[0] !== HANDSHAKE) return refuse(socket);
    // TLSSocket takes what is buffered on the socket as the first bytes it received.
    socket.unshift(first);
    startTls();
  });
}

/** The answer, then the close. What the client still sends is read and dropped meanwhile: a
 * close with unread bytes would be a reset, which can overtake the answer. */
function refuse(socket: Socket): void {
  socket.on('error', () => socket.destroy());
  socket.setTimeout(5_000, () => socket.destroy());
  socket.resume();
  socket.end(PLAIN_HTTP_ANSWER);
}
