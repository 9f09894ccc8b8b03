// When the daemon cannot be reached, say so the way docker users expect, and name the cause
// when it is one they can fix (a missing socket, a permission).
export class ConnectError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'ConnectError';
    this.code = code;
  }
}

export function connectError(err: unknown, host: string): Error {
  const e = err as NodeJS.ErrnoException;
  const base = `Cannot connect to the berth daemon at ${host}. Is the daemon running?`;
  switch (e.code) {
    case 'ENOENT':
      return new ConnectError(`${base}\n(the socket ${host.replace('unix://', '')} does not exist)`, e.code, err);
    case 'EACCES':
    case 'EPERM':
      return new ConnectError(`${base}\n(permission denied on ${host.replace('unix://', '')}: run as root or as a member of the socket's group)`, e.code, err);
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return new ConnectError(base, e.code, err);
    default:
      if (typeof e.code === 'string' && e.code.startsWith('ERR_TLS') || /certificate|handshake|alert/i.test(e.message ?? '')) {
        return new ConnectError(`the server probably has client authentication (--tlsverify) enabled; check your TLS client certification settings: ${e.message}`, e.code, err);
      }
      return new ConnectError(`error during connect: ${e.message ?? String(err)}`, e.code, err);
  }
}
