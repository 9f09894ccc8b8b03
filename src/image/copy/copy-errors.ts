// Errors of a copy into or out of a container, told in the container's terms. Node's fs errors
// name host paths ("ENOENT: …, link '/var/lib/berth/overlay2/<id>/merged/tmp/x' -> …"), which
// would show a client the daemon's data-root; here they read as Go's *PathError/*LinkError
// (what dockerd's texts are made of: "link /tmp/x /tmp/h: no such file or directory") with the
// container's paths. What the tar asked for and cannot be done (a missing link target, a name
// too long, a file where a directory must be) is the client's error, 400; the rest (a full or
// failing disk) is the daemon's, 500 — either way without a host path.
import { BerthError, type ErrorKind } from '../../api/types/errors.ts';
import type { FsView } from './fs-view.ts';

/** Go's texts (syscall.Errno.Error) where they differ from libuv's or matter here. */
const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EINVAL: 'invalid argument',
  EXDEV: 'invalid cross-device link',
  EMLINK: 'too many links',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
};

/** Errnos a tar's own content causes; any other is the daemon's trouble. */
const CLIENT_ERRNOS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'ELOOP', 'ENAMETOOLONG', 'EINVAL', 'EXDEV', 'EMLINK']);

/** `err` as a BerthError whose message names no host path of the view. */
export function copyError(err: unknown, view: FsView): BerthError {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (err instanceof BerthError) return new BerthError(err.kind, hideHostPaths(err.message, view), { cause: err });
  if (typeof e?.code === 'string' && typeof e.syscall === 'string') {
    const paths = [e.path, e.dest].filter((p): p is string => typeof p === 'string').map((p) => view.containerOf(p));
    return new BerthError(errnoKind(e), `${[e.syscall, ...paths].join(' ')}: ${errnoText(e)}`, { cause: err });
  }
  // zlib on a compressed upload that is not what it says.
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) return new BerthError('invalid-parameter', `gzip: ${e.message}`, { cause: err });
  // Node's own argument checks (a NUL in a path): the request's fault; the syscall's text.
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_INVALID_ARG')) return new BerthError('invalid-parameter', 'invalid argument', { cause: err });
  return new BerthError('system', hideHostPaths(err instanceof Error ? err.message : String(err), view), { cause: err });
}

/** An fs error's text as Go writes it (libuv's description where Go's is not listed). */
export function errnoText(e: NodeJS.ErrnoException): string {
  return GO_ERRNO_TEXT[e.code ?? ''] ?? /^[A-Z0-9]+: ([^,]+),/.exec(e.message)?.[1] ?? e.code ?? e.message;
}

/** Whose fault an fs error is: the request's (400) or the daemon's (500). */
export function errnoKind(e: NodeJS.ErrnoException): ErrorKind {
  return CLIENT_ERRNOS.has(e.code ?? '') ? 'invalid-parameter' : 'system';
}

/** Every host path of the view in `text` replaced by the container path it stands for. */
export function hideHostPaths(text: string, view: FsView): string {
  let out = text;
  // Longest first, so a mount's source inside another never leaves a piece behind; the host's
  // own root (the CLI's side of a copy) has nothing to hide.
  for (const [host, cpath] of view.hostPrefixes().filter(([h]) => h !== '/')) {
    out = out.split(`${host}/`).join(cpath === '/' ? '/' : `${cpath}/`).split(host).join(cpath);
  }
  return out;
}
