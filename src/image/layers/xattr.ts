// Extended attributes through Debian's `attr` tools (setfattr/getfattr): Node has no xattr API.
// Layers rarely carry xattrs, so one setfattr per attribute is cheap; reading a whole tree is
// one `getfattr -R` per export.
import { run, CommandError } from './exec.ts';

export type XattrMap = Map<string, Buffer>;

/** Set one attribute on path itself (never on a symlink's target: -h). */
export async function setXattr(path: string, name: string, value: Buffer): Promise<void> {
  await run('setfattr', ['-h', '-n', name, '-v', `0x${value.toString('hex')}`, '--', path]);
}

/**
 * Why a failed setfattr may be skipped, or null if it must fail the layer. Like docker we skip
 * "not supported"/"not permitted" (e.g. user.* on a symlink, a filesystem without xattrs), and
 * any security.* failure (an LSM may refuse labels from an image).
 */
export function skippableXattrError(name: string, err: unknown): string | null {
  if (!(err instanceof CommandError)) return null;
  if (name.startsWith('security.') || /Operation not (supported|permitted)/.test(err.stderr)) return err.stderr;
  return null;
}

/**
 * Every xattr below dir (dir included), keyed by absolute path. getfattr walks physically
 * (-P) and reads links themselves (-h); -m - matches all namespaces (trusted.* as root), a
 * narrower regex only the names it matches.
 */
export async function dumpXattrs(dir: string, match = '-'): Promise<Map<string, XattrMap>> {
  return parseDump(await run('getfattr', ['-R', '-P', '-h', '-d', '-m', match, '-e', 'hex', '--absolute-names', '--', dir]));
}

/** The xattrs whose names match the regex `match` of each of paths (not recursive), in batches. */
export async function readXattrs(paths: readonly string[], match = '-'): Promise<Map<string, XattrMap>> {
  const result = new Map<string, XattrMap>();
  for (let i = 0; i < paths.length; i += 500) {
    const out = await run('getfattr', ['-h', '-d', '-m', match, '-e', 'hex', '--absolute-names', '--', ...paths.slice(i, i + 500)]);
    for (const [k, v] of parseDump(out)) result.set(k, v);
  }
  return result;
}

function parseDump(out: Buffer): Map<string, XattrMap> {
  const result = new Map<string, XattrMap>();
  let current: XattrMap | undefined;
  for (const line of out.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      result.set(unescape(line.slice('# file: '.length)), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      const value = line.slice(eq + 1);
      current.set(unescape(line.slice(0, eq)), decodeValue(value));
    }
  }
  return result;
}

/** getfattr writes bytes it would not print as \ooo octal (\012 newline, \134 backslash). */
function unescape(s: string): string {
  const bytes = Buffer.from(s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))), 'latin1');
  return bytes.toString('utf8');
}

function decodeValue(v: string): Buffer {
  if (v.startsWith('0x')) return Buffer.from(v.slice(2), 'hex');
  if (v.startsWith('0s')) return Buffer.from(v.slice(2), 'base64');
  return Buffer.from(v.replace(/^"|"$/g, ''), 'latin1');
}

/** Attributes that must never travel in a layer tar (or be accepted from one). */
export function isPrivateXattr(name: string): boolean {
  // trusted.overlay.* (user.overlay.* in a user namespace, mount option userxattr) is overlayfs's
  // own bookkeeping (opaque, redirect, origin...): a layer that set it could steer lookups in the
  // stack; fuse-overlayfs keeps its own in user.fuseoverlayfs.* (security.* when privileged).
  // security.selinux is a host label, not image content.
  return name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.') || name.startsWith('user.fuseoverlayfs.') ||
    name.startsWith('security.fuseoverlayfs.') || name === 'security.selinux';
}
