// Test fixtures: a real distribution registry (Debian's docker-registry) on 127.0.0.1, with
// htpasswd, TLS from a throwaway CA, or token auth; plus the files they need. Every process is
// stopped by its pid and every temp dir removed by the stop()/cleanup functions returned.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REGISTRY_BIN = '/usr/bin/docker-registry';

export const makeTempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'berth-registry-test-'));

import { freePort } from './free-port.ts';

/** A bcrypt htpasswd line via crypt(3) in perl-base (always on Debian; no apache2-utils needed). */
export async function htpasswdLine(user: string, password: string): Promise<string> {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const salt = [...randomBytes(21)].map((b) => alphabet[b % 64]).join('') + '.'; // last char: 2 bits
  const { stdout } = await run('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`]);
  if (!stdout.startsWith('$2b$')) throw new Error(`crypt(3) did not produce bcrypt: ${stdout}`);
  return `${user}:${stdout}\n`;
}

export interface TestCerts {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate for `registry.test` and 127.0.0.1, made with the openssl CLI. */
export async function makeCerts(dir: string): Promise<TestCerts> {
  const f = (name: string): string => path.join(dir, name);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'),
    '-days', '2', '-subj', '/CN=berth test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'),
    '-subj', '/CN=registry.test']);
  await writeFile(f('ext.cnf'), 'subjectAltName=DNS:registry.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'),
    '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('ext.cnf')]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/** A self-signed RSA certificate and key for signing registry tokens (JWT with x5c). */
export async function makeSigningCert(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = path.join(dir, 'token.crt');
  const keyFile = path.join(dir, 'token.key');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=berth test token signer']);
  return { certFile, keyFile };
}

/** Resolves every name to 127.0.0.1, so `registry.test` is reachable and nothing else is contacted. */
export const loopbackLookup: LookupFunction = ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => {
  if (opts?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

export interface RegistryOptions {
  htpasswd?: string; // file contents
  tls?: TestCerts;
  token?: { realm: string; service: string; issuer: string; rootCertFile: string };
}

export interface RunningRegistry {
  port: number;
  host: string;
  stop(): Promise<void>;
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await makeTempDir();
  const port = await freePort();
  const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:',
    `  filesystem:`, `    rootdirectory: ${path.join(dir, 'data')}`, '  maintenance:', '    uploadpurging:',
    '      enabled: false', 'http:', `  addr: 127.0.0.1:${port}`];
  if (opts.tls) lines.push('  tls:', `    certificate: ${opts.tls.certFile}`, `    key: ${opts.tls.keyFile}`);
  if (opts.htpasswd !== undefined) {
    await writeFile(path.join(dir, 'htpasswd'), opts.htpasswd);
    lines.push('auth:', '  htpasswd:', '    realm: berth-test', `    path: ${path.join(dir, 'htpasswd')}`);
  } else if (opts.token) {
    const t = opts.token;
    lines.push('auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.rootCertFile}`);
  }
  await writeFile(path.join(dir, 'config.yml'), lines.join('\n') + '\n');
  const logFile = path.join(dir, 'registry.log');
  const log = await open(logFile, 'w');
  const child = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, exited);
  } catch (err) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`docker-registry did not start: ${(err as Error).message}\n${text}`);
  }
  return { port, host: `127.0.0.1:${port}`, stop };
}

async function waitForPort(port: number, exited: Promise<void>): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    if (dead) throw new Error('the process exited');
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for the port');
}
