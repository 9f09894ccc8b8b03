// Path checks for layer extraction. A layer tar is untrusted input: its names must stay inside
// the layer directory, and nothing may be written through a symlink, because a symlink in a
// layer is meant to be resolved inside the container later, never on the host now. We walk
// each parent component with lstat, so no syscall here ever follows a link we did not create.
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';

/** Linux limits: a component (NAME_MAX) and a whole path given to a syscall (PATH_MAX). */
export const NAME_MAX = 255;
export const PATH_MAX = 4096;

/**
 * An entry name as path components relative to the layer root, like Go's filepath.Clean which
 * docker applies: a leading "/" is dropped, "." and empty parts vanish, ".." removes the
 * previous part. A ".." that would climb above the root is refused. [] is the root itself.
 */
export function cleanEntryName(raw: string, what = 'entry'): string[] {
  if (raw.includes('\0')) throw invalidParameter(`refusing layer ${what} ${JSON.stringify(raw)}: name contains a NUL byte`);
  const parts: string[] = [];
  for (const p of raw.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length === 0) throw invalidParameter(`refusing layer ${what} ${JSON.stringify(raw)}: path escapes the layer root`);
      parts.pop();
      continue;
    }
    if (Buffer.byteLength(p) > NAME_MAX) {
      throw invalidParameter(`refusing layer ${what} ${JSON.stringify(raw.slice(0, 80))}...: a path component is longer than ${NAME_MAX} bytes`);
    }
    parts.push(p);
  }
  return parts;
}

/** Refuse names that cannot be created below root (abs path beyond PATH_MAX). */
export function checkLength(root: string, parts: readonly string[], raw: string): void {
  const len = Buffer.byteLength(root) + 1 + Buffer.byteLength(parts.join('/'));
  if (len >= PATH_MAX) throw invalidParameter(`refusing layer entry ${JSON.stringify(raw.slice(0, 80))}...: path is longer than ${PATH_MAX} bytes`);
}

export interface ParentOptions {
  /** Create missing directories (0755, as docker's MkdirAll does); otherwise return null. */
  create: boolean;
  /** Told about each directory created, as a relative path. */
  onCreate?: (rel: string) => void;
  /** The entry name, for error messages. */
  name: string;
  /** Relative dirs already checked (or made) in this extraction: skips their lstat. The caller
   * must drop entries when it removes a directory. */
  known?: Set<string>;
}

/**
 * The absolute path of the directory holding parts' last component, after checking that every
 * component before it is a real directory (not a symlink, not a file, not a whiteout device).
 */
export async function resolveParent(root: string, parts: readonly string[], opts: ParentOptions): Promise<string | null> {
  let cur = root;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = join(cur, parts[i]!);
    const rel = parts.slice(0, i + 1).join('/');
    if (opts.known?.has(rel)) continue;
    const st = await lstatOrNull(cur);
    if (st === null) {
      if (!opts.create) return null;
      await mkdir(cur);
      await chmod(cur, 0o755); // explicit: the daemon's umask must not shape layers
      opts.onCreate?.(rel);
      opts.known?.add(rel);
    } else if (st.isSymbolicLink()) {
      throw invalidParameter(`refusing layer entry ${JSON.stringify(opts.name)}: parent "${rel}" is a symlink (writing through symlinks is not allowed)`);
    } else if (!st.isDirectory()) {
      throw invalidParameter(`refusing layer entry ${JSON.stringify(opts.name)}: parent "${rel}" is not a directory`);
    } else {
      opts.known?.add(rel);
    }
  }
  return cur;
}

export async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
