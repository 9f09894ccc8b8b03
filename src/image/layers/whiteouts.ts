// Whiteouts in their two forms. In a layer tar (OCI image spec, from aufs): a file ".wh.<name>"
// deletes <name> from the layers below, and ".wh..wh..opq" in a directory hides everything
// below it in lower layers. In an overlay2 diff/ directory (overlayfs's own format): a deleted
// entry is a 0:0 character device, an opaque directory has trusted.overlay.opaque=y — or, in a
// user namespace (rootless), user.overlay.opaque=y, which overlay mounted with `userxattr` reads.
import type { Stats } from 'node:fs';
import { inUserNamespace } from '../../lib/userns.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { run } from './exec.ts';
import { setXattr } from './xattr.ts';

export const WHITEOUT_PREFIX = '.wh.';
/** Names starting with this are aufs metadata (.wh..wh.plnk, .wh..wh.aufs): docker skips them. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** The namespace of overlayfs's own xattrs for the mounts this berthd makes (mount.ts). */
export const OVERLAY_XATTR_PREFIX = inUserNamespace() ? 'user.overlay.' : 'trusted.overlay.';
export const OPAQUE_XATTR = `${OVERLAY_XATTR_PREFIX}opaque`;

/** fuse-overlayfs (1.10) reads both marks above in lower layers, but in its upper dir, where
 * trusted.* is refused (rootless), it marks an opaque directory with this xattr, and beside any
 * mark with an OPAQUE_MARKER file; a deletion where mknod is refused is a ".wh.<name>" file.
 * Readers of a writable layer's upper dir (overlayChanges, rw-changes) take all three. */
export const FUSE_OPAQUE_XATTR = 'user.fuseoverlayfs.opaque';

export type Whiteout = { kind: 'opaque' } | { kind: 'delete'; name: string } | { kind: 'meta' };

/** What a tar entry's base name means, or null for an ordinary name. */
export function parseWhiteout(base: string): Whiteout | null {
  if (!base.startsWith(WHITEOUT_PREFIX)) return null;
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  // ".wh.." would delete the parent directory and ".wh..." its parent: not a name.
  if (name === '' || name === '.' || name === '..') throw invalidParameter(`refusing whiteout "${base}": it names no entry`);
  return { kind: 'delete', name };
}

/** Overlay's whiteout: a character device 0:0 (mknod(1), since Node cannot mknod). */
export async function makeOverlayWhiteout(path: string): Promise<void> {
  await run('mknod', ['-m', '0600', '--', path, 'c', '0', '0']);
}

export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

export async function setOverlayOpaque(dir: string): Promise<void> {
  await setXattr(dir, OPAQUE_XATTR, Buffer.from('y'));
}

export function isOpaqueValue(v: Buffer | undefined): boolean {
  return v !== undefined && v.toString('latin1') === 'y';
}

/** Whether an upper dir's directory with these xattrs and entry names is opaque, whichever
 * mounter wrote it (the kernel's overlay or fuse-overlayfs). */
export function isUpperOpaque(xattrs: ReadonlyMap<string, Buffer> | undefined, names: readonly string[]): boolean {
  return isOpaqueValue(xattrs?.get(OPAQUE_XATTR)) || isOpaqueValue(xattrs?.get(FUSE_OPAQUE_XATTR)) || names.includes(OPAQUE_MARKER);
}

/** Linux's dev_t split (glibc major()/minor()), for exporting device nodes. */
export function splitDev(rdev: number): { major: number; minor: number } {
  const r = BigInt(rdev);
  const major = Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn));
  const minor = Number((r & 0xffn) | ((r >> 12n) & ~0xffn));
  return { major, minor };
}
