// bin/berthd-rootless-setup as an ordinary user this test makes (testing/rootless-user.ts):
// check with and without subordinate ids, install into the user's (temporary) HOME, the real
// docker CLI listing and using the context it writes, uninstall.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RootlessUser, RUNS_ROOTLESS } from '../testing/rootless-user.ts';
import { requires } from '../testing/requires.ts';
import { reachableCheckout } from '../testing/rootless-berthd.ts';
import { until } from '../testing/until.ts';

// socket-activate: systemd's tools, whose systemd-analyze checks the unit.
const skip = requires(...RUNS_ROOTLESS, 'socket-activate');
// bin/ as the user reaches it: the checkout's, or a copy where the checkout is not (rootless-berthd.ts).
let SETUP = '';
let BERTHD = '';

describe('berthd-rootless-setup', { skip }, () => {
  let u: RootlessUser;
  const setup = (args: string[], env: Record<string, string> = {}) => u.run(SETUP, args, { env: { DOCKER_HOST: '', ...env } });
  const ids = (flag: string, file: string, range: { start: number; count: number }) =>
    spawnSync('usermod', [flag, `${range.start}-${range.start + range.count - 1}`, u.name], { encoding: 'utf8' }).status === 0 || assert.fail(`usermod ${flag} on ${file}`);

  before(async () => {
    u = await RootlessUser.create();
    SETUP = join(reachableCheckout(u.home), 'bin', 'berthd-rootless-setup');
    BERTHD = join(dirname(SETUP), 'berthd');
  });
  after(async () => {
    await u.remove();
    assert.deepEqual(u.leftovers(), []);
  });

  it('check: everything there → each line ok, exit 0', async () => {
    const r = await setup(['check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^Prerequisites of a rootless berthd for ${u.name} \\(uid ${u.uid}\\):\\n`));
    assert.match(r.stdout, new RegExp(`ok {7}/etc/subuid: 65536 subordinate user ids for ${u.name} \\(${u.subuid.start}-${u.subuid.start + 65535}\\)`));
    assert.match(r.stdout, /ok {7}\/usr\/bin\/newuidmap, \/usr\/bin\/newgidmap \(setuid\)/);
    assert.match(r.stdout, /ok {7}overlayfs in a user namespace/);
    assert.match(r.stdout, new RegExp(`ok {7}XDG_RUNTIME_DIR=${u.runtimeDir} \\(${u.name}'s, mode 0700\\)`));
    assert.match(r.stdout, /\nAll prerequisites are met\.\n$/);
  });

  it('check: no subordinate ids → says which file, and the printed commands fix it', async () => {
    ids('--del-subuids', '/etc/subuid', u.subuid);
    ids('--del-subgids', '/etc/subgid', u.subgid);
    let fixes: string[] = [];
    try {
      const r = await setup(['check']);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, new RegExp(`MISSING {2}/etc/subuid has no line for ${u.name} \\(or uid ${u.uid}\\): it needs 65536 subordinate user ids`));
      assert.match(r.stdout, new RegExp(`MISSING {2}/etc/subgid has no line for ${u.name} \\(or uid ${u.uid}\\): it needs 65536 subordinate group ids`));
      fixes = /To fix it, run as root:\n((?: {2}.*\n)+)/.exec(r.stdout)?.[1]?.trim().split(/\n\s*/) ?? [];
      assert.equal(fixes.length, 2, r.stdout);
      assert.match(fixes[0], new RegExp(`^echo '${u.name}:\\d+:65536' >> /etc/subuid$`));
      assert.match(fixes[1], new RegExp(`^echo '${u.name}:\\d+:65536' >> /etc/subgid$`));
      for (const fix of fixes) assert.equal(spawnSync('sh', ['-c', fix]).status, 0, fix);
      const again = await setup(['check']);
      assert.equal(again.code, 0, again.stdout);
    } finally {
      // Back to the ranges the harness made (and removes).
      for (const [i, fix] of fixes.entries()) {
        const start = Number(/:(\d+):/.exec(fix)?.[1]);
        ids(i === 0 ? '--del-subuids' : '--del-subgids', '', { start, count: 65536 });
      }
      ids('--add-subuids', '/etc/subuid', u.subuid);
      ids('--add-subgids', '/etc/subgid', u.subgid);
    }
  });

  it('check: no XDG_RUNTIME_DIR → what to export', async () => {
    const r = await setup(['check'], { XDG_RUNTIME_DIR: '' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /MISSING {2}XDG_RUNTIME_DIR is not set/);
    assert.match(r.stdout, new RegExp(`\\nTo fix it, run as ${u.name}:\\n {2}export XDG_RUNTIME_DIR=/run/user/${u.uid}\\n`));
  });

  it('install writes the unit and the context, which the docker CLI and berth list and use; uninstall takes both away', async () => {
    const r = await setup(['install']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const unitFile = join(u.home, '.config/systemd/user/berthd.service');
    const unit = readFileSync(unitFile, 'utf8');
    assert.match(unit, new RegExp(`^ExecStart=${BERTHD}$`, 'm'));
    // bin/berthd's `#!/usr/bin/env node` finds node on the unit's PATH.
    const unitPath = /^Environment=PATH=(.*)$/m.exec(unit)?.[1] ?? '';
    assert.ok(unitPath.split(':').some((dir) => existsSync(join(dir, 'node'))), unitPath);
    assert.match(unit, /^Delegate=yes$/m);
    assert.match(unit, /^WantedBy=default.target$/m);
    // systemd's own checker accepts it (as a system unit: no user manager runs here).
    const verify = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    assert.deepEqual([verify.status, verify.stderr], [0, '']);
    // No user session manager here (no logind): install says how to start berthd by hand.
    assert.match(r.stdout, new RegExp(`No systemd user session manager is reachable .*\\n.*\\n {2}nohup ${BERTHD} >${u.runtimeDir}/berthd.log 2>&1 &\\n`));
    assert.match(r.stdout, /Current context is now "rootless"/);

    const row = `rootless ${u.host} true`;
    const dockerLs = await u.run('docker', ['context', 'ls', '--format', '{{.Name}} {{.DockerEndpoint}} {{.Current}}'], { env: { DOCKER_HOST: '' } });
    assert.ok(dockerLs.stdout.split('\n').includes(row), dockerLs.stdout + dockerLs.stderr);
    // berth lists the same store (its default context differs: berth's own default socket).
    const berthLs = await u.run(join(dirname(SETUP), 'berth'), ['context', 'ls', '--format', '{{.Name}} {{.DockerEndpoint}} {{.Current}}'], { env: { DOCKER_HOST: '' } });
    assert.ok(berthLs.stdout.split('\n').includes(row), berthLs.stdout + berthLs.stderr);
    // The docker CLI uses it: its requests go to the user's socket.
    const d = await u.startBerthd();
    try {
      // `docker context use` takes it by name, as after dockerd-rootless-setuptool.sh.
      for (const name of ['default', 'rootless']) {
        const use = await u.run('docker', ['context', 'use', name], { env: { DOCKER_HOST: '' } });
        assert.deepEqual([use.code, use.stdout], [0, `${name}\n`], use.stderr);
      }
      const info = await u.run('docker', ['info', '--format', '{{json .SecurityOptions}}'], { env: { DOCKER_HOST: '' } });
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /name=rootless/);
      // A berthd started by hand is not the tool's to stop: it says how, and fails.
      const early = await setup(['uninstall']);
      assert.equal(early.code, 1, early.stdout + early.stderr);
      assert.match(early.stdout, new RegExp(`^berthd still runs \\(pid ${d.pid}\\): stop it \\(kill ${d.pid}\\), then run \`berthd-rootless-setup uninstall\` again`, 'm'));
    } finally {
      // Killed, as a crash would: a graceful stop with no container running ends the holder
      // itself (src/rootless/holder.ts, stopHolderIfIdle), leaving uninstall nothing to stop.
      await d.kill();
    }

    // berthd is gone; its namespace holder outlives it (src/rootless/holder.ts) until uninstall.
    assert.ok(u.processes().length > 0, 'the holder runs on');
    const un = await setup(['uninstall']);
    assert.equal(un.code, 0, un.stdout + un.stderr);
    assert.equal(existsSync(unitFile), false);
    assert.match(un.stdout, /^namespace holder \(rootlesskit, pid \d+\): stopped$/m);
    // Its zombies too (one not reaped yet holds the namespace): init reaps them in a moment.
    await until('nothing of the user is left after uninstall, zombies included', () => u.processes().length === 0);
    assert.match(un.stdout, new RegExp(`Kept: the data in ${u.home}/.local/share/berth`));
    const after = await u.run('docker', ['context', 'ls', '--format', '{{.Name}} {{.Current}}'], { env: { DOCKER_HOST: '' } });
    assert.equal(after.stdout, 'default true\n');
  });
});
