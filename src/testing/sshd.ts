// A throwaway sshd on 127.0.0.1 with its own host key and one authorised client key, plus an
// `ssh` wrapper that uses that key — so ssh:// endpoints can be tested end to end without
// touching the machine's ssh setup. Stopped by its pid; the directory is removed.
import { freePort } from './free-port.ts';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from './until.ts';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  port: number;
  /** A directory holding an `ssh` wrapper (put it first on PATH) that trusts this server. */
  binDir: string;
  /** The wrapper itself, for BERTH_SSH_COMMAND. */
  sshCommand: string;
  stop(): Promise<void>;
}


export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sshd-'));
  const port = await freePort();
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, file)]);
  keygen('host_key');
  keygen('client_key');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PermitRootLogin yes', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitUserEnvironment no', 'AcceptEnv none',
  ].join('\n') + '\n');
  const sshCommand = join(dir, 'ssh');
  writeFileSync(sshCommand, `#!/bin/sh\nexec /usr/bin/ssh -i ${join(dir, 'client_key')} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes "$@"\n`);
  chmodSync(sshCommand, 0o755);
  // sshd insists on its privilege separation directory, which a fresh machine creates only when
  // the ssh service first starts.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, 'SIGTERM');
      await within('sshd to exit on SIGTERM', done).catch((err: unknown) => {
        child.kill('SIGKILL');
        throw err;
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) return { port, binDir: dir, sshCommand, stop };
    await new Promise((r) => setTimeout(r, 25));
  }
  await stop();
  throw new Error(`sshd did not start: ${log}`);
}
