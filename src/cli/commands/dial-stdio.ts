// berth system dial-stdio: connect to this host's daemon and relay stdin/stdout to it. The far
// end of `ssh://` endpoints: a client runs `ssh HOST berth system dial-stdio` and speaks HTTP
// through the pipe.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CliEnv } from '../cli-env.ts';
import { dialerFor } from '../../client/endpoint.ts';
import { connectError } from '../../client/connect-error.ts';

export async function dialStdio(env: CliEnv): Promise<void> {
  // node:net here, not at the module's load: `berth version` and `info` share this module.
  const { Socket } = process.getBuiltinModule('node:net');
  const endpoint = env.endpoint;
  const conn: Duplex = dialerFor(endpoint)();
  await new Promise<void>((resolve, reject) => {
    const ready = conn instanceof Socket && !('encrypted' in conn) ? 'connect' : 'secureConnect';
    conn.once(ready, () => resolve());
    conn.once('error', (err) => reject(connectError(err, endpoint.host)));
  });
  await new Promise<void>((resolve) => {
    // Half-close in both directions: stdin ending must not cut off the daemon's answer.
    process.stdin.pipe(conn, { end: false });
    process.stdin.once('end', () => (conn as Socket).end());
    conn.pipe(process.stdout, { end: false });
    conn.once('end', () => resolve());
    conn.once('close', () => resolve());
    conn.once('error', () => resolve());
  });
  process.stdin.destroy();
}
