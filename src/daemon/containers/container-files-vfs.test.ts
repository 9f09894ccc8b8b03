// diff, cp, export and commit on the vfs driver, where a container's layer is a full copy of
// its image (compared tree against tree) and nothing is mounted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { importImage } from '../../testing/api.ts';
import { berth, run } from '../../testing/run.ts';

let d: Berthd;
let dir: string;
const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/client` });
const ok = async (args: string[]) => {
  const r = await berth(args, { env: env() });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

before(async () => {
  d = await startBerthd({ args: ['--storage-driver', 'vfs'] });
  dir = mkdtempSync(join(tmpdir(), 'berth-vfs-files-'));
  await importImage(d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: 'CMD ["sh"]' });
});
after(async () => {
  for (const c of (await d?.client().containers.list({ all: true })) ?? []) await d.client().containers.remove(c.Id, { force: true });
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('vfs: diff against the image tree, cp both ways, export, commit', async () => {
  await ok(['run', '--name', 'vc', 'busybox', 'sh', '-c', 'echo hi > /tmp/new; rm /etc/group; mkdir -p /srv/x']);
  assert.equal(await ok(['diff', 'vc']), 'C /etc\nD /etc/group\nA /srv\nA /srv/x\nC /tmp\nA /tmp/new\n');
  writeFileSync(join(dir, 'in'), 'in\n');
  await ok(['cp', join(dir, 'in'), 'vc:/srv/x/']);
  await ok(['cp', 'vc:/srv', dir]);
  assert.equal(readFileSync(join(dir, 'srv', 'x', 'in'), 'utf8'), 'in\n');
  const names = (await run('sh', ['-c', `${process.execPath} ${BERTH} export vc | tar t`], { env: env() })).stdout;
  assert.match(names, /^srv\/x\/in$/m);
  await ok(['commit', '-c', 'CMD ["cat", "/tmp/new", "/srv/x/in"]', 'vc', 'vimg']);
  assert.equal(await ok(['run', '--rm', 'vimg']), 'hi\nin\n');
  assert.equal(await ok(['run', '--rm', 'vimg', 'ls', '/etc']), 'hostname\nhosts\nmtab\npasswd\nresolv.conf\n', 'group was deleted; the network files are mounts and mtab the init files\' link, as with dockerd');
});
