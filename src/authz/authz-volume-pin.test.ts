// A local volume `type=none o=bind device=<dir>` is a bind of <dir> made by the volume driver at
// the volume's first use: judged against bind-paths when a container of a limited rule is made
// (and when a request starts it), but a restart policy mounts it again with no request. A
// directory of the path swapped for a symlink in between must not be followed: the device's real
// path approved at the container's create is recorded with the volume and mounted opened with no
// symlink on the way (volume/local-driver.ts, runtime/spec/pinned-binds.ts).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'berth-authz-volpin-')));
const allowed = join(dir, 'allowed');
mkdirSync(allowed);
mkdirSync(join(dir, 'outside'));
writeFileSync(join(dir, 'outside', 'outside-marker'), '');
const policy = join(dir, 'policy.json');
writeFileSync(policy, JSON.stringify({
  rules: [{ name: 'ci', who: { users: ['root'] }, allow: ['containers', 'images', 'volumes', 'exec'], limits: { 'bind-paths': [allowed] } }],
}));

const f = useBusyboxDaemon({ skip, harness: { args: ['--authz-policy', policy] } });
after(() => rmSync(dir, { recursive: true, force: true }));

async function ok(args: string[]): Promise<string> {
  const r = await f.docker(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const volumeMounted = (name: string) => readFileSync('/proc/self/mountinfo', 'utf8').includes(`/volumes/${name}/_data `);

/** Runs `name` with a restart policy on the volume `-v`/`--mount` args give; restarts it once
 * unswapped (the pinned mount shows the directory), swaps `device` for a symlink out of
 * bind-paths, kills it again: the restart must fail with the clear error and never show the
 * marker outside. */
async function swapAfterApproval(name: string, volume: string, device: string, mountArgs: string[]): Promise<void> {
  await ok(['run', '-d', '--name', name, '--restart', 'always', ...mountArgs, 'busybox', 'sh', '-c', 'ls /h; sleep 300']);
  const pid = async () => Number(await ok(['inspect', '-f', '{{.State.Pid}}', name]));
  const state = () => ok(['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.Error}}', name]);
  try {
    await until('the container listed its volume', async () => /inside-marker/.test(await ok(['logs', name])));
    // Unswapped, a restart by the policy mounts the approved directory again.
    process.kill(await pid(), 'SIGKILL');
    await until('restarted once', async () => /^running 1 /.test(`${await state()} `));
    await until('the restart listed its volume', async () => (await ok(['logs', name])).split('inside-marker').length === 3);

    renameSync(device, `${device}-old`);
    symlinkSync(join(dir, 'outside'), device);
    process.kill(await pid(), 'SIGKILL');
    await until('the restart was refused', async () => /^exited \d+ .*no longer the path the authorization policy approved/.test(await state()));
    assert.match(await state(), new RegExp(`volume ${volume}: its device is no longer the path the authorization policy approved, not mounted: .*${device}: a component of it is a symbolic link`));
    assert.doesNotMatch(await ok(['logs', name]), /outside-marker/, 'the restarted container sees a directory outside bind-paths');
    assert.ok(!volumeMounted(volume), 'nothing mounted on the volume');
    // An explicit start is judged again: the device now leads out of bind-paths.
    const start = await f.docker(['start', name]);
    assert.notEqual(start.code, 0, 'the start was allowed');
    assert.match(start.stderr, new RegExp(`authorization denied by rule "ci".*: container ${name} is outside the rule's limits: volume ${volume} mounts ${device} from the host`));
    assert.doesNotMatch(await ok(['logs', name]), /outside-marker/);
  } finally {
    await f.docker(['rm', '-f', name]);
    await f.docker(['volume', 'rm', volume]);
    rmSync(device, { recursive: true, force: true });
    rmSync(`${device}-old`, { recursive: true, force: true });
  }
}

test('docker volume create o=bind: a device swapped for a symlink after the approval is not mounted', { skip }, async () => {
  const device = join(allowed, 'v');
  mkdirSync(device);
  writeFileSync(join(device, 'inside-marker'), '');
  await ok(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${device}`, 'pinvol']);
  await swapAfterApproval('vswap', 'pinvol', device, ['-v', 'pinvol:/h']);
});

test('a volume a container create makes (o=bind,ro): pinned too, and still read-only', { skip }, async () => {
  const device = join(allowed, 'w');
  mkdirSync(device);
  writeFileSync(join(device, 'inside-marker'), '');
  const mount = `type=volume,source=implicitvol,target=/h,volume-opt=type=none,"volume-opt=o=bind,ro",volume-opt=device=${device}`;
  const r = await f.docker(['run', '--rm', '--mount', mount, 'busybox', 'sh', '-c', 'ls /h; touch /h/new']);
  assert.notEqual(r.code, 0, 'the read-only volume was written');
  assert.match(r.stdout, /inside-marker/);
  assert.match(r.stderr, /Read-only file system/);
  await swapAfterApproval('iswap', 'implicitvol', device, ['--mount', mount]);
});
