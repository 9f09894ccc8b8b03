// Bind sources handed to the runtime as descriptors: a bind an authorization rule approved at
// create (its real path, StoredMount.approvedSource) is opened at each start with openat2(2)
// and RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, so no component of the path may be a
// symlink, and runc (or crun) is given `/proc/<berthd>/fd/<n>`: mount(2) follows that magic
// link to the very inode opened, so a directory swapped for a symlink after the check — by the
// user, or by a container binding the allowed tree read-write — is never what gets mounted.
// The descriptors stay open until the runtime's create has returned (close()).
//
// Node has no openat2; koffi (already loaded by a daemon with a policy, peer-credentials.ts)
// calls it through libc's syscall(). Only containers made under a rule with limits carry an
// approved source, so a daemon without a policy never loads koffi here.
import { closeSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
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
let syscall: { fn: Syscall; errno: () => number } | undefined;

function openat2(): { fn: Syscall; errno: () => number } {
  if (syscall) return syscall;
  if (process.arch === 'alpha' as string) throw new Error('openat2 is not known on alpha');
  // require(), not import(): the release bundle is CommonJS and koffi stays outside it.
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const fn = koffi.load('libc.so.6').func('long syscall(long nr, ...)') as unknown as Syscall;
  return (syscall = { fn, errno: () => koffi.errno() });
}

/** An O_PATH descriptor of `path`, reached from / with no symlink on the way. */
export function openNoSymlinks(path: string): number {
  const how = Buffer.alloc(24); // struct open_how { u64 flags, mode, resolve }
  how.writeBigUInt64LE(BigInt(O_PATH | O_CLOEXEC), 0);
  how.writeBigUInt64LE(BigInt(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), 16);
  const { fn, errno } = openat2();
  const fd = Number(fn(SYS_OPENAT2, 'int', AT_FDCWD, 'const char *', path, 'void *', how, 'size_t', how.length));
  if (fd < 0) {
    const e = errno();
    throw new ApprovedSourceChanged(`${path}: ${ERRNO[e] ?? `openat2 failed (errno ${e})`}`);
  }
  return fd;
}

export interface PinnedBinds {
  mounts: OciMount[];
  /** Closes the descriptors: once the runtime's create has returned. */
  close(): void;
}

/**
 * `mounts` with each approved bind's source replaced by its descriptor's /proc path. `approved`
 * maps a destination to the real path approved at create; a bind there whose source is that
 * path is pinned (none: `mounts` itself comes back). Throws ApprovedSourceChanged (nothing left open) when one cannot be.
 */
export function pinBinds(mounts: readonly OciMount[], approved: ReadonlyMap<string, string>): PinnedBinds {
  const fds: number[] = [];
  const close = () => fds.splice(0).forEach((fd) => closeSync(fd));
  try {
    const out = mounts.map((m) => {
      const path = approved.get(m.destination);
      if (m.type !== 'bind' || path === undefined || m.source !== path) return m;
      const fd = openNoSymlinks(path);
      fds.push(fd);
      // Belt and braces: the kernel's name for what was opened is the approved path.
      const opened = readlinkSync(`/proc/self/fd/${fd}`);
      if (opened !== path) throw new ApprovedSourceChanged(`${path}: it is now ${opened}`);
      return { ...m, source: `/proc/${process.pid}/fd/${fd}` };
    });
    return { mounts: fds.length ? out : (mounts as OciMount[]), close };
  } catch (err) {
    close();
    if (err instanceof ApprovedSourceChanged) {
      throw new ApprovedSourceChanged(`bind source is no longer the path the authorization policy approved, not mounted: ${err.message}`);
    }
    throw err;
  }
}
