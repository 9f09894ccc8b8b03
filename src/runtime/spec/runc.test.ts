// End to end: a busybox rootfs, a bundle written by buildSpec, and the real runc. What the
// container sees must be what Docker's defaults give: root with the default capabilities, its
// own hostname, masked /proc/kcore, read-only /proc/sys, a seccomp filter that refuses user
// namespaces even though no capability is needed for them, and only loopback.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import { within } from '../../testing/until.ts';
import { which } from '../../lib/which.ts';
import { buildSpec } from './build.ts';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from './caps.ts';
import { specJson } from './limits.ts';
import { resolveUser } from './user.ts';
import type { SpecInput } from './types.ts';

const RUNC = which('runc');
const CGROUP_PARENT = '/berth-spec-test';
const skip = requires('root', 'runc', 'tar', 'busybox');

const work = mkdtempSync(join(tmpdir(), 'berth-runc-'));
const state = join(work, 'state');
const rootfs = join(work, 'rootfs');
const started: string[] = [];

after(async () => {
  for (const id of started) await run(RUNC, ['--root', state, 'delete', '-f', id]);
  rmSync(work, { recursive: true, force: true });
  // runc removes each container's cgroups; the parent it created under every hierarchy is ours.
  for (const hierarchy of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) {
    const dir = join('/sys/fs/cgroup', hierarchy, CGROUP_PARENT);
    try {
      if (existsSync(dir)) rmdirSync(dir);
    } catch {
      // a hierarchy that is not a directory, or one still in use by a failed run: leave it
    }
  }
});

async function extractRootfs(): Promise<void> {
  if (existsSync(join(rootfs, 'bin/busybox'))) return;
  mkdirSync(rootfs, { recursive: true });
  const tar = spawn('tar', ['-x', '-C', rootfs], { stdio: ['pipe', 'inherit', 'inherit'] });
  busyboxRootfs().pipe(tar.stdin);
  const code = await within('tar -x of the rootfs', new Promise<number | null>((resolve) => tar.on('close', resolve)), 60_000);
  assert.equal(code, 0, 'tar -x');
}

/** Runs `script` in a fresh container and returns its output as KEY=value lines. */
async function runContainer(script: string, over: Partial<SpecInput> = {}): Promise<Record<string, string>> {
  await extractRootfs();
  const id = `berth-spec-${randomBytes(6).toString('hex')}`;
  const bundle = join(work, id);
  mkdirSync(bundle);
  const spec = buildSpec({ id, rootfs, args: ['/bin/sh', '-c', script], network: 'none', cgroupParent: CGROUP_PARENT, ...over });
  writeFileSync(join(bundle, 'config.json'), specJson(spec));
  started.push(id);
  const r = await run(RUNC, ['--root', state, 'run', '--bundle', bundle, id], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, `runc run failed: ${r.stderr}${r.stdout}`);
  await run(RUNC, ['--root', state, 'delete', '-f', id]);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] ??= line.slice(i + 1);
  }
  return out;
}

// /proc/kcore is the path that matters, but some kernels (this CI's) are built without it; runc
// masks only what exists, so probe the first masked file the host has.
const MASK_PROBE = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/interrupts'].find((p) => existsSync(p));

const capMask = (caps: readonly string[]) =>
  caps.reduce((m, c) => m | (1n << BigInt(KNOWN_CAPABILITIES.indexOf(c as never))), 0n).toString(16).padStart(16, '0');

test('a default container under runc', { skip }, async () => {
  const out = await runContainer([
    'echo "ID=$(id)"',
    "sed -n 's/^\\(Cap[A-Za-z]*\\):\\s*/\\1=/p' /proc/self/status",
    'echo "HOSTNAME=$(hostname)"',
    `echo "MASKED=$(stat -c %F ${MASK_PROBE ?? '/proc/kcore'}) $(wc -c < ${MASK_PROBE ?? '/proc/kcore'})"`,
    'echo "PROCSYS=$( (echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1 && echo written)"',
    'unshare -U true 2>/tmp/err; echo "UNSHARE=rc=$? $(cat /tmp/err)"',
    'echo "NETDEVS=$(ls /sys/class/net | tr "\\n" " ")"',
    'echo "PING=$(cat /proc/sys/net/ipv4/ping_group_range | tr "\\t" " ")"',
    'echo "CGROUP=$(grep memory /proc/self/cgroup)"',
    'echo "ENVPATH=$PATH"',
  ].join('\n'), { user: resolveUser(rootfs, ''), hostname: 'spec-e2e' });
  assert.equal(out.ID, 'uid=0(root) gid=0(root) groups=0(root)');
  const mask = capMask(DEFAULT_CAPABILITIES);
  assert.equal(mask, '00000000a80425fb'); // the CapEff every Docker container shows
  assert.equal(out.CapEff, mask);
  assert.equal(out.CapBnd, mask);
  assert.equal(out.CapInh, '0000000000000000');
  assert.equal(out.HOSTNAME, 'spec-e2e');
  if (MASK_PROBE) assert.equal(out.MASKED, 'character special file 0', MASK_PROBE); // /dev/null over it
  assert.match(out.PROCSYS!, /Read-only file system/);
  assert.equal(out.UNSHARE, 'rc=1 unshare: unshare(0x10000000): Operation not permitted');
  assert.equal(out.NETDEVS!.trim(), 'lo');
  assert.equal(out.PING, '0 2147483647');
  assert.match(out.CGROUP!, new RegExp(`:${CGROUP_PARENT}/berth-spec-`));
  assert.equal(out.ENVPATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
});

test('the refusal above came from seccomp: unconfined allows it', { skip }, async () => {
  const out = await runContainer('unshare -U true 2>/tmp/err; echo "UNSHARE=rc=$? $(cat /tmp/err)"', { securityOpt: ['seccomp=unconfined'] });
  assert.equal(out.UNSHARE, 'rc=0 ');
});

test('a named user from the image, with no capabilities left', { skip }, async () => {
  await extractRootfs();
  const out = await runContainer(
    'echo "ID=$(id)"; sed -n "s/^CapEff:\\s*/CAPEFF=/p" /proc/self/status; echo "NOFILE=$(ulimit -n)"',
    { user: resolveUser(rootfs, 'nobody'), ulimits: [{ Name: 'nofile', Soft: 4096, Hard: 8192 }] },
  );
  assert.equal(out.ID, 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)');
  assert.equal(out.CAPEFF, '0000000000000000');
  assert.equal(out.NOFILE, '4096');
});
