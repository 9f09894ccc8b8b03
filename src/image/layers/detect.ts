// Choosing the storage driver at daemon start. Whether overlayfs works cannot be read from a
// file: the kernel may lack it, a container runtime may forbid mount(2), or the data root may sit
// on a filesystem overlay refuses as an upper layer (overlayfs itself, some network filesystems).
// So, as dockerd does, we really mount a tiny overlay under the data root, use it, and unmount.
// Synchronous file operations on the probe's few small files: asynchronous ones load node:fs/promises
// and start libuv's worker threads, which a first start would then keep (issue 12).
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { invalidParameter, unavailable } from '../../api/types/errors.ts';
import { which } from '../../lib/which.ts';
import { CommandError, run, type RunOptions } from './exec.ts';
import { mountsUnder, USERXATTR } from './mount.ts';
import type { DriverName } from './store.ts';
import { isOverlayWhiteout, WHITEOUT_PREFIX } from './whiteouts.ts';
import { FUSE_OVERLAYFS, fuseUnavailable } from './fuse-mount.ts';
import { inUserNamespace } from '../../lib/userns.ts';
import { logFailure } from '../../lib/log-failure.ts';
import type { Logger } from '../../lib/logger.ts';
import { keptVerdict, keepVerdict, verdictKey, VERDICT_FILE } from './probe-verdict.ts';

export interface DriverChoice {
  driver: DriverName;
  /** Why this driver: for /info and the daemon log. */
  reason: string;
  /** Docker's /info DriverStatus pairs. */
  status: [string, string][];
}

export const PROBE_PREFIX = 'overlay-probe-';

const DRIVERS: readonly string[] = ['overlay2', 'fuse-overlayfs', 'vfs'];

/** `logger`: where a probe mount that would not come off is told (the daemon's log). */
export async function detectDriver(root: string, configured?: string, logger?: Logger): Promise<DriverChoice> {
  if (configured && !DRIVERS.includes(configured)) {
    throw invalidParameter(`unknown storage driver "${configured}": berthd supports ${DRIVERS.join(', ')}`);
  }
  if (configured === 'vfs') return { driver: 'vfs', reason: 'vfs configured', status: [] };
  if (configured === 'fuse-overlayfs') {
    const refused = await probeFuse(root, logger);
    if (refused !== null) throw invalidParameter(`storage driver fuse-overlayfs is configured but cannot be used under ${root}: ${refused}`);
    return fuseChoice(root, 'fuse-overlayfs configured');
  }
  // A restart on the same kernel, filesystem and privileges takes the last probe's success
  // (probe-verdict.ts): no fork of berthd and no mount at start.
  mkdirSync(root, { recursive: true });
  const key = verdictKey(root);
  const kept = keptVerdict(root, key);
  const refused = kept ? null : await probeOverlay(root, logger);
  if (refused === null) {
    if (!kept) keep(root, key);
    const fs = filesystemName(root);
    const how = configured ? 'overlay2 configured' : 'overlay2 chosen';
    return {
      driver: 'overlay2',
      reason: kept ? `${how}: a test overlay mount under ${root} worked at ${kept.at} (${VERDICT_FILE}: same kernel, filesystem, privileges, build)` : `${how}: a test overlay mount under ${root} worked`,
      status: [['Backing Filesystem', fs], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', String(USERXATTR !== '')]],
    };
  }
  if (configured === 'overlay2') throw unavailable(`storage driver overlay2 is configured but cannot be used under ${root}: ${refused}`);
  // Rootless on a kernel without overlay in a user namespace (before 5.11): fuse-overlayfs,
  // when it is there and works, before vfs's full copies.
  if (!inUserNamespace()) return { driver: 'vfs', reason: `overlay2 unavailable (${refused}); using vfs`, status: [] };
  const fuseRefused = await probeFuse(root, logger);
  if (fuseRefused === null) return fuseChoice(root, `overlay2 unavailable (${refused}); fuse-overlayfs chosen`);
  return { driver: 'vfs', reason: `overlay2 unavailable (${refused}); fuse-overlayfs unavailable (${fuseRefused}); using vfs`, status: [] };
}

/** A verdict that cannot be written (a full disk) only costs the next start its probe. */
function keep(root: string, key: Record<string, string>): void {
  try {
    keepVerdict(root, key);
  } catch {
    /* probed again next time */
  }
}

function fuseChoice(root: string, reason: string): DriverChoice {
  return { driver: 'fuse-overlayfs', reason: `${reason}: a test mount under ${root} worked`, status: [] };
}

/**
 * A test mount's directory under root, for `test` (the probe dirs a crash left are removed
 * first): lower1 (with a file "old"), lower2, upper, work and merged; removed after unless
 * something stayed mounted in it. Up to `test`'s first await it runs synchronously: the daemon
 * starts the overlay probe first, and the mount runs while the daemon goes on.
 */
async function withProbeDir(root: string, test: (dir: string) => Promise<string | null>, logger?: Logger): Promise<string | null> {
  mkdirSync(root, { recursive: true });
  const stale = readdirSync(root).filter((name) => name.startsWith(PROBE_PREFIX));
  if (stale.length) await removeStaleProbes(root, stale, logger);
  const dir = mkdtempSync(join(root, PROBE_PREFIX));
  try {
    for (const d of ['lower1', 'lower2', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lower1', 'old'), 'x');
    return await test(dir);
  } finally {
    if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

/** The use a test mount must allow: a copy-up (a new file) and a whiteout (a lower file removed). */
function useMerged(merged: string): void {
  writeFileSync(join(merged, 'new'), 'y');
  rmSync(join(merged, 'old'));
}

/** null when fuse-overlayfs works under root (mounted, written, a lower file deleted and
 * recorded as a whiteout, unmounted), else why not. */
async function probeFuse(root: string, logger?: Logger): Promise<string | null> {
  return withProbeDir(root, async (dir) => {
    const missing = fuseUnavailable();
    if (missing !== null) return missing;
    const merged = join(dir, 'merged');
    try {
      await run(which(FUSE_OVERLAYFS), ['-o', 'lowerdir=lower2:lower1,upperdir=upper,workdir=work', 'merged'], { cwd: dir, here: true });
    } catch (err) {
      return `test fuse-overlayfs mount failed: ${(err as Error).message.split('\n')[0]}`;
    }
    try {
      useMerged(merged);
    } catch (err) {
      return `test fuse-overlayfs mount refused a write: ${(err as Error).message}`;
    } finally {
      await detach(merged, { here: true }, logger);
    }
    // fuse-overlayfs records a deletion as overlay does, or as a .wh.<name> file where mknod is refused.
    const st = lstatSync(join(dir, 'upper', 'old'), { throwIfNoEntry: false }); // absent: not this way
    const whiteout = (st !== undefined && isOverlayWhiteout(st)) || lstatSync(join(dir, 'upper', `${WHITEOUT_PREFIX}old`), { throwIfNoEntry: false }) !== undefined;
    return whiteout ? null : 'fuse-overlayfs did not record a deletion as a whiteout';
  }, logger);
}

/** null when overlay works under root, else why not. */
export function probeOverlay(root: string, logger?: Logger): Promise<string | null> {
  return withProbeDir(root, async (dir) => {
    // The attr tools are needed to store opaque directories in overlay's format.
    // Looked up on PATH rather than run (`--version`): each spawn costs berthd's start ~30 ms.
    for (const tool of ['setfattr', 'getfattr']) {
      if (!isAbsolute(which(tool))) return `${tool} not found (Debian package "attr")`;
    }
    try {
      await testMountPrivate(dir).catch(async (err: unknown) => {
        // unshare(2) refused (a seccomp profile, a user namespace): mount here, then unmount.
        if (err instanceof CommandError && /^unshare: /m.test(err.stderr)) return testMountHere(dir, logger);
        throw err;
      });
      if (!isOverlayWhiteout(lstatSync(join(dir, 'upper', 'old')))) return 'overlay did not record a deletion as a whiteout';
      return null;
    } catch (err) {
      return `test overlay mount failed: ${(err as Error).message.split('\n')[0]}`;
    }
  }, logger);
}

// Two lowers named relatively from cwd: exactly how layer stacks are mounted later.
const MOUNT_ARGS = ['-t', 'overlay', 'overlay', '-o', `lowerdir=lower2:lower1,upperdir=upper,workdir=work${USERXATTR}`, 'merged'];

/** The test mount in a mount namespace of its own, used there (copy-up and a whiteout must work
 *  too: they fail on some upper filesystems, or without mknod); the mount ends with the one
 *  process: a spawn costs berthd's start ~15-30 ms, and a mount then an umount was two. */
async function testMountPrivate(dir: string): Promise<void> {
  const script = `mount ${MOUNT_ARGS.join(' ')} && echo y > merged/new && rm merged/old`;
  // Not through the host helper: at start it would be started for this alone and then stay,
  // ~7 MiB of an idle daemon's tree (the first container start needs it anyway).
  await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { cwd: dir, here: true });
}

/** The same test in berthd's own mount namespace, unmounted after. */
async function testMountHere(dir: string, logger?: Logger): Promise<void> {
  const merged = join(dir, 'merged');
  await run('mount', MOUNT_ARGS, { cwd: dir });
  try {
    useMerged(merged);
  } finally {
    await detach(merged, {}, logger);
  }
}

/** Unmounts, lazily if busy; a mount that stays is told and its directory left (its callers
 * never rm -rf through a live mount; the next probe's clean-up tries again). */
async function detach(target: string, opts: RunOptions = {}, logger?: Logger): Promise<void> {
  try {
    await run('umount', [target], opts);
  } catch {
    await run('umount', ['-l', target], opts).catch(logFailure(logger, 'unmounting a storage probe\'s test mount', { fields: { path: target }, level: 'warn' }));
  }
}

/** Probe dirs left by a crash mid-probe (only ones with nothing mounted in them). */
async function removeStaleProbes(root: string, names: string[], logger?: Logger): Promise<void> {
  for (const name of names) {
    const dir = join(root, name);
    for (const m of mountsUnder(dir)) await detach(m, {}, logger);
    if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

// statfs(2) magic numbers, named as `stat -f -c %T` names them (what /info showed before this
// was read without a spawn; berthd's start pays ~30 ms per spawn).
const FS_NAMES: Record<number, string> = {
  0xef53: 'ext2/ext3', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs', 0x6969: 'nfs', 0x65735546: 'fuseblk', 0x5346544e: 'ntfs', 0x858458f6: 'ramfs',
};

function filesystemName(root: string): string {
  const type = Number(statfsSync(root).type);
  return FS_NAMES[type] ?? `UNKNOWN (0x${type.toString(16)})`;
}
