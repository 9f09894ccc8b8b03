// ssh:// endpoints: berth (and the real docker CLI) reach berthd through `ssh ... system
// dial-stdio` on a throwaway sshd on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBerthd, BERTH_EXECUTABLE, type Berthd } from '../testing/berthd-harness.ts';
import { startSshd, type TestSshd } from '../testing/sshd.ts';
import { berth, run } from '../testing/run.ts';
import { requires } from '../testing/requires.ts';
import { parseSshUrl, sshArgv } from '../client/ssh-dialer.ts';

const skip = requires('sshd');
let d: Berthd;
let sshd: TestSshd;

before(async () => {
  if (skip) return;
  d = await startBerthd();
  sshd = await startSshd();
});
after(async () => {
  if (skip) return;
  await sshd?.stop();
  await d?.cleanup();
});

test('ssh URLs are parsed and refused as docker does', () => {
  assert.deepEqual(parseSshUrl('ssh://me@host:2222/run/x.sock'), { host: 'host', user: 'me', port: '2222', socketPath: '/run/x.sock' });
  assert.throws(() => parseSshUrl('ssh://me:pw@host'), /plain-text password is not supported/);
  assert.throws(() => parseSshUrl('ssh://host?x=1'), /extra query/);
  assert.deepEqual(sshArgv({ host: 'h', user: 'u', port: '22' }, 'berth'), ['-l', 'u', '-p', '22', '-o', 'ConnectTimeout=30', '-T', '--', 'h', 'berth system dial-stdio']);
});

test('berth -H ssh://... version reaches berthd', { skip }, async () => {
  const r = await berth(['-H', `ssh://root@127.0.0.1:${sshd.port}${d.socket}`, 'version', '--format', '{{.Server.APIVersion}}'], {
    env: { BERTH_SSH_COMMAND: sshd.sshCommand, BERTH_SSH_REMOTE_CLI: BERTH_EXECUTABLE },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1.56');
});

test('the real docker CLI over ssh reaches berthd', { skip: requires('sshd', 'docker') }, async () => {
  // docker runs `docker --host=unix://<path> system dial-stdio` on the far side: the real docker
  // CLI proxies to berthd's socket.
  const r = await run('docker', ['-H', `ssh://root@127.0.0.1:${sshd.port}${d.socket}`, 'version', '--format', '{{.Server.APIVersion}}'], {
    env: { PATH: `${sshd.binDir}:${process.env.PATH}` },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1.56');
});
