// ssh:// reaches berthd through `dial-stdio` run by the ssh user on berthd's host: the
// connection to the socket is that user's, so SO_PEERCRED names the ssh user, and the policy
// decides by it. A non-root member of berth-monitor logs in to a throwaway sshd with a key; the
// berth CLI (ssh://user@127.0.0.1) may read but not create, and the audit log has its uid.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { BERTH_EXECUTABLE } from '../testing/berthd-harness.ts';
import { startSshd, type TestSshd } from '../testing/sshd.ts';
import { requires } from '../testing/requires.ts';
import { berth } from '../testing/run.ts';
import { until } from '../testing/until.ts';
import { makeTestUser, type TestUser } from './test-users.ts';
import { readUnixNames } from './unix-names.ts';

const skip = requires('sshd', 'docker');
const POLICY = fileURLToPath(new URL('../../examples/authz/monitoring.json', import.meta.url));
let user: TestUser;
let sshd: TestSshd;
before(async () => {
  if (skip) return;
  user = makeTestUser('berth-monitor', { login: true });
  sshd = await startSshd();
  // sshd reads the authorised keys as the user logging in.
  chmodSync(sshd.binDir, 0o711);
  chmodSync(join(sshd.binDir, 'authorized_keys'), 0o644);
});
after(async () => {
  await sshd?.stop();
  user?.remove();
});

const f = useBusyboxDaemon({
  skip,
  harness: { args: ['--authz-policy', POLICY, '--group', 'berth-monitor'] },
  setup: async (fx) => chmodSync(fx.d.dir, 0o711),
});

/** The berth CLI here (as root) reaching berthd over ssh as the test user. */
const overSsh = (args: string[]) => berth(['-H', `ssh://${user.name}@127.0.0.1:${sshd.port}${f.d.socket}`, ...args], {
  env: { BERTH_SSH_COMMAND: sshd.sshCommand, BERTH_SSH_REMOTE_CLI: BERTH_EXECUTABLE, DOCKER_CONFIG: join(f.dir, 'config') },
});

test('the ssh user is the identity: it reads as a monitor, and may not create', { skip }, async () => {
  assert.equal((await f.docker(['create', '--name', 'seen', 'busybox', 'true'])).code, 0);
  const ps = await overSsh(['ps', '-a', '--format', '{{.Names}}']);
  assert.equal(ps.stdout, 'seen\n', ps.stderr);
  const r = await overSsh(['run', '--rm', '--privileged', 'busybox', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /authorization denied by rule "monitoring" \(line 8 of .*monitoring\.json\): it allows read-only, and POST \/containers\/create is containers/);
  // The refusal is the ssh user's: its uid, and the name it has, in the audit log (read by root
  // on the local socket).
  const uid = readUnixNames().users.get(user.name)!;
  const audit = () => berth(['system', 'audit', '-f', 'decision=deny', '--format', '{{.User}} {{.Rule}} {{.Route}}'], { env: f.env() });
  await until('the refusal in the audit log', async () => (await audit()).stdout === `${user.name} monitoring POST /containers/create\n`);
  assert.equal((await audit()).stdout, `${user.name} monitoring POST /containers/create\n`);
  const byUid = await berth(['system', 'audit', '-f', `user=${uid}`, '-f', 'decision=deny', '--format', 'json'], { env: f.env() });
  assert.deepEqual(byUid.stdout.trimEnd().split('\n').map((l) => [(JSON.parse(l) as { uid: number }).uid, (JSON.parse(l) as { user: string }).user]), [[uid, user.name]], 'user= takes a uid');
});
