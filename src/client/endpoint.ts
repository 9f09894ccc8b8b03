// Where a client connects: the docker CLI's address rules (unix://, tcp:// with default ports,
// bare host:port, ssh://) and how to open one connection to it.
import type { Duplex } from 'node:stream';
import { connectPipe, type Conn } from './pipe-conn.ts';
import { sshDialer } from './ssh-dialer.ts';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** false only when the user asked to skip verification. */
  verify: boolean;
}

export interface Endpoint {
  /** The address as the user sees it, e.g. unix:///run/berth/berth.sock */
  host: string;
  tls?: TlsFiles;
}

export type Dialer = () => Duplex;

/** Connections for the answers read whole (http1.ts): a unix socket's without node:net (pipe-conn.ts). */
export function wholeDialerFor(ep: Endpoint): () => Conn {
  if (ep.host.startsWith('unix://')) {
    const path = ep.host.slice('unix://'.length);
    return () => connectPipe(path);
  }
  return dialerFor(ep);
}

export function parseHost(raw: string, tlsOn: boolean): string {
  const host = raw.trim();
  if (host === '') return tlsOn ? 'tcp://localhost:2376' : DEFAULT_HOST;
  const scheme = /^([a-z]+):\/\//.exec(host)?.[1];
  if (!scheme) return parseHost(`tcp://${host}`, tlsOn);
  if (scheme === 'unix' || scheme === 'ssh') return host;
  if (scheme !== 'tcp') throw new Error(`invalid bind address format: ${host}`);
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  // As docker: a port-less tcp:// host means 2375 even with TLS (2376 is only the TLS default
  // when no host is given at all).
  const port = url.port || '2375';
  return `tcp://${url.hostname}:${port}${url.pathname === '/' ? '' : url.pathname}`;
}

export function dialerFor(ep: Endpoint): Dialer {
  const host = ep.host;
  // node:net (and the stream modules under it) when a connection is made, not with the module:
  // a `berth ps` on a unix socket never loads it (pipe-conn.ts).
  const net = () => process.getBuiltinModule('node:net');
  if (host.startsWith('unix://')) {
    const path = host.slice('unix://'.length);
    return () => net().connect(path);
  }
  if (host.startsWith('ssh://')) return sshDialer(host);
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 2375);
  const t = ep.tls;
  if (!t) return () => net().connect({ host: hostname, port });
  // node:tls is loaded when a TLS connection is made, not with every CLI start (~10 ms here).
  const tls = process.getBuiltinModule('node:tls');
  return () =>
    tls.connect({
      host: hostname,
      port,
      servername: net().isIP(hostname) ? undefined : hostname,
      ...(t.ca && { ca: t.ca }),
      ...(t.cert && { cert: t.cert }),
      ...(t.key && { key: t.key }),
      rejectUnauthorized: t.verify,
    }) as Duplex;
}
