// A rootless berthd on the fuse-overlayfs storage driver (issue 15: where the kernel refuses
// overlay in a user namespace). This kernel allows it, so the driver is configured
// (`--storage-driver fuse-overlayfs`): the same layers as overlay2, mounted by fuse-overlayfs in
// rootlesskit's namespaces. Deletions and opaque directories of image layers (made by a build
// whose steps run on fuse-overlayfs) must read as the kernel reads them; stop and rm must leave
// no fuse mount (in berthd's mount namespace) and no fuse-overlayfs process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '../testing/requires.ts';
import { RUNS_ROOTLESS } from '../testing/rootless-user.ts';
import type { RootlessUser } from '../testing/rootless-user.ts';
import { useRootlessUser } from '../testing/rootless-fixture.ts';
import type { RootlessBerthd } from '../testing/rootless-berthd.ts';
import { until } from '../testing/until.ts';
import { isLiveProcess } from '../lib/proc.ts';

const skip = requires(...RUNS_ROOTLESS, 'fuse-overlayfs');
let u: RootlessUser;
let d: RootlessBerthd;

useRootlessUser({ skip, args: ['--bridge', 'none', '--storage-driver', 'fuse-overlayfs'], ready: (user, daemon) => ((u = user), (d = daemon)) });

const ok = (args: string[]): Promise<string> => u.dockerOk(args, () => d.log);

/** fuse-overlayfs mounts in berthd's mount namespace (rootlesskit's: not the host's table). */
function fuseMounts(): string[] {
  return readFileSync(`/proc/${d.pid!}/mountinfo`, 'utf8').split('\n').filter((l) => / - fuse\.fuse-overlayfs /.test(l)).map((l) => l.split(' ')[4]!);
}

/** Live ones: an exited one is a zombie until the host's init reaps it, which may take a while. */
function fuseProcesses(): number[] {
  return u.processes().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'fuse-overlayfs' && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  });
}

async function noFuseLeft(what: string): Promise<void> {
  await until(`no fuse-overlayfs mount or process after ${what}`, () => fuseMounts().length === 0 && fuseProcesses().length === 0)
    .catch(async (err: Error) => assert.fail(`${err.message} (mounts: ${fuseMounts().join(', ')}; pids: ${fuseProcesses().join(', ')})\n${await ok(['ps', '-a'])}\n${d.log.slice(-3000)}`));
}

test('docker info shows the fuse-overlayfs driver', { skip }, async () => {
  assert.equal((await ok(['info', '--format', '{{.Driver}}'])).trim(), 'fuse-overlayfs');
});

test('a container writes and reads its rootfs through fuse-overlayfs; --rm leaves no mount or process', { skip }, async () => {
  assert.equal(await ok(['run', '--rm', 'busybox', 'sh', '-c', 'echo x > /f; cat /f']), 'x\n');
  await noFuseLeft('run --rm');
});

test("a built image's deleted file and opaque directory read as written; exec works; stop and rm unmount", { skip }, async () => {
  const ctx = join(u.home, 'ctx');
  mkdirSync(ctx);
  chownSync(ctx, u.uid, u.gid);
  // Not /etc as the replaced directory: the network files are mounted there during RUN, as in docker.
  await u.writeFile('ctx/Dockerfile', 'FROM busybox\nRUN rm /bin/ls && mkdir /var/d && echo o > /var/d/old\nRUN rm -rf /var/d && mkdir /var/d && echo y > /var/d/z\n');
  await ok(['build', '-q', '-t', 'fused:1', ctx]);
  await ok(['run', '-d', '--name', 'fused', 'fused:1', 'sleep', '600']);
  const mounts = fuseMounts();
  assert.equal(mounts.length, 1, `one fuse-overlayfs mount while the container runs: ${mounts.join(', ')}`);
  assert.match(mounts[0]!, /\/overlay2\/[0-9a-f]{64}\/merged$/);
  assert.equal(fuseProcesses().length, 1, 'one fuse-overlayfs process');
  // /bin/ls is gone, /var/d holds only the last step's content.
  assert.equal(await ok(['exec', 'fused', 'sh', '-c', 'test -e /bin/ls && echo ls-present; cat /var/d/z; ls -a /var/d']), 'y\n.\n..\nz\n');
  assert.equal((await ok(['exec', 'fused', 'sh', '-c', 'echo $((6*7))'])).trim(), '42');
  await ok(['stop', '-t', '1', 'fused']);
  await ok(['rm', 'fused']);
  await noFuseLeft('stop and rm');
});

test('docker diff and commit of a container on fuse-overlayfs carry its deletion and its opaque directory', { skip }, async () => {
  await ok(['run', '--name', 'base', 'busybox', 'sh', '-c', 'mkdir /home/a && echo o > /home/a/old']);
  await ok(['commit', 'base', 'base:1']);
  await ok(['rm', 'base']);
  await ok(['run', '--name', 'changer', 'base:1', 'sh', '-c', 'rm /bin/ls && rm -rf /home/a && mkdir /home/a && echo n > /home/a/new']);
  const diff = (await ok(['diff', 'changer'])).split('\n').filter(Boolean);
  for (const line of ['D /bin/ls', 'D /home/a/old', 'A /home/a/new']) assert.ok(diff.includes(line), `${line} in: ${diff.join(' | ')}`);
  assert.ok(!diff.some((l) => l.includes('.wh.')), `no whiteout marker files in the diff: ${diff.join(' | ')}`);
  await ok(['commit', 'changer', 'changed:1']);
  await ok(['rm', 'changer']);
  assert.equal(await ok(['run', '--rm', 'changed:1', 'sh', '-c', 'test -e /bin/ls || echo gone; ls -a /home/a']), 'gone\n.\n..\nnew\n');
  await noFuseLeft('commit and run --rm');
});

test('live-restore: the fuse-overlayfs mount outlives a SIGKILL of berthd, and the restarted berthd uses and then unmounts it', { skip }, async () => {
  await ok(['run', '-d', '--name', 'lives', 'busybox', 'sh', '-c', 'echo kept > /k; exec sleep 600']);
  const mounted = fuseMounts();
  const fuser = fuseProcesses();
  assert.equal(mounted.length, 1);
  await d.kill();
  assert.ok(fuser.every(isLiveProcess), 'fuse-overlayfs outlived berthd (a session of its own)');
  d = await u.startBerthd(['--bridge', 'none', '--storage-driver', 'fuse-overlayfs']);
  assert.deepEqual(fuseMounts(), mounted, 'the running container kept its mount; nothing mounted twice');
  assert.equal(await ok(['exec', 'lives', 'cat', '/k']), 'kept\n');
  await ok(['rm', '-f', 'lives']);
  await noFuseLeft('rm -f after the restart');
});
