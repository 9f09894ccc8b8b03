// The daemon's listening sockets: unix sockets (mode 0660, group-owned), TCP with TLS, and —
// only when asked for explicitly with --tls=false — plain TCP, which is a remote root shell.
import type http from 'node:http';
import net from 'node:net';
import { chmodSync, chownSync, mkdirSync, readFileSync, unlinkSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DaemonConfig } from './config/types.ts';
import { FORCE_CLOSE, type TlsServerOptions } from '../api/server.ts';
import type { Logger } from '../lib/logger.ts';
import { activatedFds, fdsFor, unixSocketPath } from './socket-activation.ts';

export type ServerFactory = (tls?: TlsServerOptions) => http.Server;

export interface Listener {
  address: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function listenAll(cfg: DaemonConfig, make: ServerFactory, logger: Logger): Promise<Listener[]> {
  const listeners: Listener[] = [];
  try {
    for (const host of cfg.hosts) {
      if (host.startsWith('fd://')) for (const fd of fdsFor(host, activatedFds())) listeners.push(await listenFd(fd, cfg, make, logger));
      else listeners.push(await listenOne(host, cfg, make, logger));
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  return listeners;
}

async function listenOne(host: string, cfg: DaemonConfig, make: ServerFactory, logger: Logger): Promise<Listener> {
  if (host.startsWith('unix://')) return listenUnix(host.slice('unix://'.length), cfg, make, logger);
  if (host.startsWith('tcp://')) return listenTcp(host, cfg, make, logger);
  throw new Error(`unsupported listen address ${host}: use unix:///path or tcp://host:port`);
}

async function listenUnix(path: string, cfg: DaemonConfig, make: ServerFactory, logger: Logger): Promise<Listener> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (existsSync(path)) {
    if (await socketAnswers(path)) throw new Error(`another daemon is already listening on unix://${path}`);
    unlinkSync(path);
  }
  const server = make();
  await listen(server, { path });
  // Rootless: the socket is the user's alone (its group is nobody's inside the user namespace).
  chmodSync(path, cfg.rootless ? 0o600 : 0o660);
  const gid = cfg.rootless ? undefined : groupId(cfg.group);
  if (gid !== undefined) chownSync(path, 0, gid);
  else if (cfg.group !== 'berth' && !cfg.rootless) logger.warn('socket group not found; the socket stays root-only', { group: cfg.group });
  logger.info('API listen on unix socket', { path });
  return {
    address: `unix://${path}`,
    server,
    close: async () => {
      await closeServer(server);
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    },
  };
}

async function listenTcp(host: string, cfg: DaemonConfig, make: ServerFactory, logger: Logger): Promise<Listener> {
  const url = new URL(host);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (cfg.tls || cfg.tlsVerify ? 2376 : 2375));
  let server: http.Server;
  if (cfg.tlsVerify || cfg.tls) {
    server = make(tlsOptions(cfg));
  } else if (!isLoopback(hostname) && cfg.tls !== false) {
    throw new Error(
      `refusing to listen on ${host} without TLS: anyone who can reach it gets root on this host. ` +
        'Use --tlsverify with --tlscacert/--tlscert/--tlskey, or pass --tls=false to accept the risk.',
    );
  } else {
    server = make();
    if (!isLoopback(hostname)) {
      logger.warn('API is listening on plain TCP without encryption: this is a remote root shell for anyone who can reach it', { addr: host });
    }
  }
  await listen(server, { host: hostname, port });
  logger.info('API listen on tcp', { addr: `${hostname}:${port}`, tls: cfg.tls || cfg.tlsVerify, verify: cfg.tlsVerify });
  return { address: host, server, close: () => closeServer(server) };
}

/** A socket the service manager made and bound (unix or TCP): served as it is, with TLS when
 * the daemon is configured for it; the manager owns the socket file, so it is never unlinked. */
async function listenFd(fd: number, cfg: DaemonConfig, make: ServerFactory, logger: Logger): Promise<Listener> {
  const server = cfg.tls || cfg.tlsVerify ? make(tlsOptions(cfg)) : make();
  await listen(server, { fd });
  const addr = server.address();
  if (addr && typeof addr === 'object' && !isLoopback(addr.address) && !(cfg.tls || cfg.tlsVerify) && cfg.tls !== false) {
    await closeServer(server);
    throw new Error(`refusing to serve the activated TCP socket ${addr.address}:${addr.port} (fd ${fd}) without TLS: configure --tlsverify, or pass --tls=false to accept the risk`);
  }
  // A TCP socket tells its address; a unix one made from a descriptor has no name in node.
  const where = addr && typeof addr === 'object' ? `${addr.address}:${addr.port}` : (addr || unixSocketPath(fd));
  logger.info('API listen on activated socket', { fd, ...(where && { addr: where }) });
  return { address: `fd://${fd}`, server, close: () => closeServer(server) };
}

function tlsOptions(cfg: DaemonConfig): TlsServerOptions {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`could not read TLS ${what} ${path}: ${(err as Error).message}`);
    }
  };
  return {
    cert: read('certificate', cfg.tlsCert),
    key: read('key', cfg.tlsKey),
    ...(cfg.tlsVerify && { ca: read('CA certificate', cfg.tlsCaCert) }),
    requestCert: cfg.tlsVerify,
    rejectUnauthorized: cfg.tlsVerify,
    minVersion: 'TLSv1.2',
  };
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || /^127\./.test(hostname);
}

function groupId(name: string): number | undefined {
  let text = '';
  try {
    text = readFileSync('/etc/group', 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.split(':')[0] === name);
  return line ? Number(line.split(':')[2]) : undefined;
}

function listen(server: http.Server, opts: net.ListenOptions | { fd: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A `{ fd }` is a handle to an already bound socket (Node's listen(handle)).
    server.listen(opts as net.ListenOptions, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Stop accepting, let short requests finish, then cut long-lived streams (events, logs). */
function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => {
      server.closeAllConnections();
      server.emit(FORCE_CLOSE);
    }, 2000);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
