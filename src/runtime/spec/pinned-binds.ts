// Bind sources an authorization rule approved at create (their real path,
// StoredMount.approvedSource) are opened at each start with openat2(2) and RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS, so no component of the path may be a symlink, and the opened directory
// (or file) is bind-mounted by berthd from /proc/self/fd/<n> onto a staging point in the
// container's bundle; runc (or crun) mounts the staging point. A directory swapped for a
// symlink after the check — by the user, or by a container binding the allowed tree read-write
// — is never what gets mounted. The staging mounts are detached once the runtime's create has
// returned (close()): the container's mount namespace keeps its copy.
//
// Why stage rather than hand runc `/proc/<berthd>/fd/<n>`: runc 1.1 and crun mount inside the
// container's new mount namespace, and the kernel refuses (EINVAL) a bind whose source mount
// belongs to another namespace — the magic link leads into berthd's. Staged in berthd's own
// namespace first, the source is an ordinary path under a root-only directory.
//
// Node has no openat2 nor mount; koffi (already loaded by a daemon with a policy,
// peer-credentials.ts) calls them in libc. Only containers made under a rule with limits carry
// an approved source, so a daemon without a policy never loads koffi here. The local volume
// driver mounts an approved o=bind volume's device the same way (bindPinned), straight onto the
// volume's _data: that mount is made in berthd's own namespace, so no staging is needed.
import { closeSync, fstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OciMount } from './types.ts';

/** A start refused because a bind source is no longer the path the policy approved. The
 * restart policy does not retry it: the container stays exited with this as its error. */
export class ApprovedSourceChanged extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovedSourceChanged';
  }
}

// openat2 has one number on every architecture but alpha (uapi asm-generic/unistd.h, 5.6+).
const SYS_OPENAT2 = 437;
const AT_FDCWD = -100;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;
const RESOLVE_NO_MAGICLINKS = 0x02;
const RESOLVE_NO_SYMLINKS = 0x04;
const ERRNO: Record<number, string> = { 2: 'it does not exist', 40: 'a component of it is a symbolic link', 38: 'the kernel has no openat2 (Linux 5.6+ is needed)' };

type Syscall = (nr: number, ...typedArgs: unknown[]) => number | bigint;
interface Libc {
  syscall: Syscall;
  mount: (source: string, target: string, fstype: null, flags: number, data: null) => number;
  umount2: (target: string, flags: number) => number;
  errno: () => number;
}
let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  // require(), not import(): the release bundle is CommonJS and koffi stays outside it.
  // node:module at this first use: imported, it (and its source-map support) loads into every start.
  const koffi = process.getBuiltinModule('node:module').createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  return (libc = {
    syscall: lib.func('long syscall(long nr, ...)') as unknown as Syscall,
    mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)') as Libc['mount'],
    umount2: lib.func('int umount2(const char *target, int flags)') as Libc['umount2'],
    errno: () => koffi.errno(),
  });
}

const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MNT_DETACH = 2;
const EINVAL = 22;

/** An O_PATH descriptor of `path`, reached from / with no symlink on the way. */
export function openNoSymlinks(path: string): number {
  const how = Buffer.alloc(24); // struct open_how { u64 flags, mode, resolve }
  how.writeBigUInt64LE(BigInt(O_PATH | O_CLOEXEC), 0);
  how.writeBigUInt64LE(BigInt(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), 16);
  const { syscall, errno } = load();
  const fd = Number(syscall(SYS_OPENAT2, 'int', AT_FDCWD, 'const char *', path, 'void *', how, 'size_t', how.length));
  if (fd < 0) {
    const e = errno();
    throw new ApprovedSourceChanged(`${path}: ${ERRNO[e] ?? `openat2 failed (errno ${e})`}`);
  }
  return fd;
}

export interface PinnedBinds {
  mounts: OciMount[];
  /** Detaches the staging mounts: once the runtime's create has returned. */
  close(): void;
}

/**
 * `mounts` with each approved bind's source replaced by a staging mount (under `stageDir`, which
 * only root may write) of the approved path as opened without symlinks. `approved` maps a
 * destination to the real path approved at create; a bind there whose source is that path is
 * pinned (none: `mounts` itself comes back). Throws ApprovedSourceChanged, nothing left
 * mounted, when one cannot be.
 */
export function pinBinds(mounts: readonly OciMount[], approved: ReadonlyMap<string, string>, stageDir: string): PinnedBinds {
  if (![...approved.keys()].length) return { mounts: mounts as OciMount[], close: () => undefined };
  clearStage(stageDir); // a crashed daemon's
  const close = () => clearStage(stageDir);
  try {
    let n = 0;
    const out = mounts.map((m) => {
      const path = approved.get(m.destination);
      if (m.type !== 'bind' || path === undefined || m.source !== path) return m;
      const stage = join(stageDir, String(n++));
      stageMount(path, stage, !(m.options ?? []).includes('bind'));
      return { ...m, source: stage };
    });
    return { mounts: n ? out : (mounts as OciMount[]), close };
  } catch (err) {
    close();
    if (err instanceof ApprovedSourceChanged) {
      throw new ApprovedSourceChanged(`bind source is no longer the path the authorization policy approved, not mounted: ${err.message}`);
    }
    throw err;
  }
}

/** Bind-mounts `path`, opened without symlinks, onto `stage` (made as a directory or a file). */
function stageMount(path: string, stage: string, recursive: boolean): void {
  withPinned(path, (fd) => {
    mkdirSync(join(stage, '..'), { recursive: true, mode: 0o700 });
    if (fstatSync(fd).isDirectory()) mkdirSync(stage);
    else writeFileSync(stage, '');
    mountFd(fd, path, stage, recursive);
  });
}

/** Bind-mounts `path`, opened with no symlink on the way, onto the existing `target` (a mount in
 * berthd's own namespace: the local volume driver's o=bind volumes). Throws
 * ApprovedSourceChanged when `path` no longer resolves so. */
export function bindPinned(path: string, target: string, recursive: boolean): void {
  withPinned(path, (fd) => mountFd(fd, path, target, recursive));
}

/** `use` gets an O_PATH descriptor of `path` reached without symlinks, closed afterwards. */
function withPinned<T>(path: string, use: (fd: number) => T): T {
  const fd = openNoSymlinks(path);
  try {
    // Belt and braces: the kernel's name for what was opened is the approved path.
    const opened = readlinkSync(`/proc/self/fd/${fd}`);
    if (opened !== path) throw new ApprovedSourceChanged(`${path}: it is now ${opened}`);
    return use(fd);
  } finally {
    closeSync(fd); // a mount holds the inode now
  }
}

function mountFd(fd: number, path: string, target: string, recursive: boolean): void {
  const { mount, errno } = load();
  if (mount(`/proc/self/fd/${fd}`, target, null, MS_BIND | (recursive ? MS_REC : 0), null) !== 0) {
    throw new Error(`bind mount of ${path} onto ${target} failed (errno ${errno()})`);
  }
}

/** Detaches whatever is staged (EINVAL: not a mount point) and removes the points. */
function clearStage(stageDir: string): void {
  let names: string[];
  try {
    names = readdirSync(stageDir);
  } catch {
    return;
  }
  const { umount2, errno } = load();
  for (const name of names) {
    const point = join(stageDir, name);
    if (umount2(point, MNT_DETACH) !== 0 && errno() !== EINVAL) throw new Error(`cannot detach the staged bind ${point} (errno ${errno()})`);
  }
  rmSync(stageDir, { recursive: true, force: true });
}
