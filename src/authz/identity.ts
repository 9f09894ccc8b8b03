// Who a connection belongs to, worked out once per connection (the kernel records a unix peer's
// credentials at connect; a TLS client's certificate is fixed by the handshake) and kept with
// the socket, so a keep-alive connection's requests all carry the same identity.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { PeerCredentialReader, PeerCredentials } from './peer-credentials.ts';

export interface CertificateIdentity {
  cn?: string;
  o: string[];
  ou: string[];
  /** subjectAltName entries as "DNS:name", "IP:addr", "URI:...", "email:...". */
  sans: string[];
}

export interface Identity {
  /** The listen address the connection came in on (unix:///path, tcp://host:port). */
  socket: string;
  peer?: PeerCredentials;
  certificate?: CertificateIdentity;
}

const known = new WeakMap<Socket, Identity>();

/** The identity of `socket`, which came in on the listener at `address`; without a reader,
 * a unix peer is known by its socket alone. */
export function identify(socket: Socket, address: string, reader: PeerCredentialReader | undefined): Identity {
  let id = known.get(socket);
  if (!id) {
    id = { socket: address };
    if (address.startsWith('unix://') && reader) {
      const peer = reader.read(socket);
      if (peer) id.peer = peer;
    }
    const certificate = certificateOf(socket);
    if (certificate) id.certificate = certificate;
    known.set(socket, id);
  }
  return id;
}

/** How a listener's address() is named in policies and the audit log. */
export function listenAddress(addr: string | { address: string; port: number } | null): string {
  if (addr === null) return 'unknown';
  if (typeof addr === 'string') return `unix://${addr}`;
  return `tcp://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

/** Only a certificate the handshake verified against the daemon's CA names anyone. */
function certificateOf(socket: Socket): CertificateIdentity | undefined {
  const tls = socket as TLSSocket;
  if (typeof tls.getPeerCertificate !== 'function' || !tls.authorized) return undefined;
  const cert = tls.getPeerCertificate(false);
  if (!cert || !cert.subject) return undefined;
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const cn = list(cert.subject.CN)[0];
  return {
    ...(cn !== undefined && { cn }),
    o: list(cert.subject.O),
    ou: list(cert.subject.OU),
    sans: (cert.subjectaltname ?? '').split(', ').filter(Boolean).map((s) => s.replace(/^IP Address:/, 'IP:')),
  };
}

/** "uid 1001 gids 1001,998 on unix:///run/berth.sock", "certificate CN=ci on tcp://...". */
export function describeIdentity(id: Identity): string {
  const who: string[] = [];
  if (id.peer) who.push(`uid ${id.peer.uid} gids ${id.peer.gids.join(',')}`);
  if (id.certificate) who.push(`certificate CN=${id.certificate.cn ?? ''}`);
  if (!who.length) who.push('an unidentified client');
  return `${who.join(' ')} on ${id.socket}`;
}
