// ssh:// endpoints, as the docker CLI reaches them: run `ssh ... -- HOST <cli> system dial-stdio`
// and speak HTTP over the process's stdin/stdout.
import type { Duplex } from 'node:stream';

export interface SshTarget {
  user?: string;
  host: string;
  port?: string;
  socketPath?: string;
}

export function parseSshUrl(raw: string): SshTarget {
  const fail = (why: string) => new Error(`ssh host connection is not valid: invalid SSH URL: ${why}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail(`cannot parse ${raw}`);
  }
  if (url.password) throw fail('plain-text password is not supported');
  if (url.search) throw fail(`extra query after the host: "${url.search.slice(1)}"`);
  if (url.hash) throw fail(`extra fragment after the host: "${url.hash.slice(1)}"`);
  if (!url.hostname) throw fail('no host specified');
  return {
    host: url.hostname,
    ...(url.username && { user: decodeURIComponent(url.username) }),
    ...(url.port && { port: url.port }),
    ...(url.pathname && url.pathname !== '/' && { socketPath: url.pathname }),
  };
}

/** argv for ssh; the remote command is `berth` unless BERTH_SSH_REMOTE_CLI names another. */
export function sshArgv(t: SshTarget, remoteCli = process.env.BERTH_SSH_REMOTE_CLI ?? 'berth'): string[] {
  const args: string[] = [];
  if (t.user) args.push('-l', t.user);
  if (t.port) args.push('-p', t.port);
  args.push('-o', 'ConnectTimeout=30', '-T', '--', t.host);
  const remote = [remoteCli];
  if (t.socketPath) remote.push(`--host=unix://${t.socketPath}`);
  remote.push('system', 'dial-stdio');
  args.push(remote.map(shellQuote).join(' '));
  return args;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function sshDialer(raw: string): () => Duplex {
  const target = parseSshUrl(raw);
  return () => {
    const child = process.getBuiltinModule('node:child_process').spawn(process.env.BERTH_SSH_COMMAND ?? 'ssh', sshArgv(target), { stdio: ['pipe', 'pipe', 'inherit'] });
    // node:stream at the dial, not when endpoint.ts is loaded (every command loads it).
    const conn = process.getBuiltinModule('node:stream').Duplex.from({ readable: child.stdout, writable: child.stdin });
    conn.on('close', () => child.kill());
    return conn;
  };
}
