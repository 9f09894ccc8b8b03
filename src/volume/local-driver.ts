// The `local` volume driver: a directory <root>/<name>/_data (root = <data-root>/volumes), or,
// with driver options, a file system mounted there (`type=tmpfs device=tmpfs o=size=64m`,
// `type=none o=bind device=/path`) by mount(8) — it parses `o` (bind, ro, size=...) into flags
// and data as dockerd's mount package does, which the syscall helper does not.
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { randomBytes } from '../lib/lazy-crypto.ts';
import { join } from 'node:path';
import { invalidParameter, systemError } from '../api/types/errors.ts';
import { isMountRoot, mountPoints, unmountOrDetach } from '../image/layers/mount.ts';
import { run } from '../image/layers/exec.ts';
import { ApprovedSourceChanged, bindPinned } from '../runtime/spec/pinned-binds.ts';

export const LOCAL_DRIVER = 'local';
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const NAME_MAX = 255;
/** Removed volumes' directories on their way out; no volume name starts with a dot. */
const TRASH = '.removing-';
/** Beside a volume's _data while a copy-up fills it. */
const COPYING = 'copy-up.pending';
const VALID_OPTIONS = ['type', 'device', 'o', 'size'];
/** An option that needs others beside it (dockerd's mandatoryOpts). */
const REQUIRES: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

/** dockerd's checks and texts for a local volume's name. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) throw invalidParameter('volume name is too short, names should be at least two alphanumeric characters');
  if (!NAME.test(name)) {
    throw invalidParameter(`"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  // The name is a directory's (NAME_MAX): dockerd's mkdir fails with a 500 naming its data-root.
  if (name.length > NAME_MAX) throw invalidParameter(`volume name is too long: ${name.length} characters, at most ${NAME_MAX} are allowed`);
}

/** dockerd's checks of DriverOpts: known names, each with the options it needs. */
export function validateLocalOptions(opts: Record<string, string> | null): void {
  if (!opts) return;
  const keys = Object.keys(opts);
  for (const k of keys) if (!VALID_OPTIONS.includes(k)) throw invalidParameter(`invalid option: "${k}"`);
  // No project quotas here (dockerd needs xfs/ext4 prjquota for it).
  if ('size' in opts) throw invalidParameter('quota size requested but no quota support');
  for (const k of Object.keys(REQUIRES).sort()) {
    if (!(k in opts)) continue;
    for (const need of REQUIRES[k]!) if (!(need in opts)) throw invalidParameter(`missing required option: "${need}"`);
  }
}

/** Whether a volume's options ask for a mount (else it is a plain directory). */
export const mountsOnUse = (opts: Record<string, string> | null): boolean => Boolean(opts?.type || opts?.device);

/** Whether a file system is mounted on `path`. A device number differing from the parent's is
 * not enough: an o=bind volume of a directory on the same file system has the same one (it was
 * then stacked again at each use, never unmounted, and a removal walked into the user's data). */
function mounted(path: string): boolean {
  if (isMountRoot(path)) return true;
  let real: string;
  try {
    real = realpathSync.native(path);
  } catch {
    return false;
  }
  return mountPoints().includes(real);
}

/** mount(8) would resolve `device` again, following whatever symlink was swapped in since the
 * policy judged it: the approved path is opened with no symlink on the way and mounted from its
 * descriptor (runtime/spec/pinned-binds.ts). The other `o` flags (ro, nosuid, ...) are applied
 * by a remount of the target, which resolves nothing of the device. */
async function mountApproved(name: string, approved: string, o: string, target: string): Promise<void> {
  const flags = o.split(',').filter((f) => f !== '');
  const rest = flags.filter((f) => f !== 'bind' && f !== 'rbind');
  try {
    bindPinned(approved, target, flags.includes('rbind'));
  } catch (err) {
    if (!(err instanceof ApprovedSourceChanged)) throw systemError(`error while mounting volume '${target}': ${(err as Error).message}`, err);
    throw new ApprovedSourceChanged(`volume ${name}: its device is no longer the path the authorization policy approved, not mounted: ${err.message}`);
  }
  if (!rest.length) return;
  try {
    await run('mount', ['-o', ['remount', 'bind', ...rest].join(','), '--', target]);
  } catch (err) {
    await unmountOrDetach(target);
    throw systemError(`error while mounting volume '${target}': failed to mount local volume: ${(err as Error).message}`, err);
  }
}

export class LocalDriver {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  /** Mountpoint: the directory containers see. */
  path(name: string): string {
    return join(this.root, name, '_data');
  }

  create(name: string): void {
    mkdirSync(this.root, { recursive: true, mode: 0o701 });
    mkdirSync(join(this.root, name), { recursive: true, mode: 0o701 });
    mkdirSync(this.path(name), { recursive: true, mode: 0o755 });
  }

  /** Mounts an option volume's file system on its _data; nothing for a plain one. Idempotent.
   * `approved`: the real path of an o=bind device a policy approved, mounted pinned. */
  async mount(name: string, opts: Record<string, string> | null, approved?: string): Promise<void> {
    if (!opts || !mountsOnUse(opts)) return;
    const target = this.path(name);
    if (mounted(target)) return;
    mkdirSync(target, { recursive: true, mode: 0o755 });
    if (approved !== undefined) return mountApproved(name, approved, opts.o ?? '', target);
    const args = ['-t', opts.type || 'none', ...(opts.o ? ['-o', opts.o] : []), '--', opts.device ?? 'none', target];
    try {
      await run('mount', args);
    } catch (err) {
      throw systemError(`error while mounting volume '${target}': failed to mount local volume: ${(err as Error).message}`, err);
    }
  }

  async unmount(name: string): Promise<void> {
    const target = this.path(name);
    if (mounted(target)) await unmountOrDetach(target);
  }

  isMounted(name: string): boolean {
    return mounted(this.path(name));
  }

  /** Takes the volume's directory out of its name at once (a rename, in the caller's tick): a
   * volume of the same name made meanwhile gets a directory of its own. Then purge() it. */
  detach(name: string): string {
    const trash = join(this.root, `${TRASH}${name}-${randomBytes(4).toString('hex')}`);
    renameSync(join(this.root, name), trash);
    return trash;
  }

  /** Deletes a detached directory, unmounting its _data first (an option volume's). */
  async purge(trash: string): Promise<void> {
    const data = join(trash, '_data');
    if (mounted(data)) await unmountOrDetach(data);
    // Never follow into a mount that could not be taken away (a bind's device is user data).
    if (mounted(data)) throw systemError(`cannot remove ${trash}: its _data is still mounted`);
    rmSync(trash, { recursive: true, force: true });
  }

  /** A copy-up (the image's content into the empty volume) under way: marked beside _data, so a
   * daemon killed in the middle finds the volume half filled and empties it at its next start
   * (its container's next start copies again, as the copy is still owed). */
  startCopy(name: string): void {
    writeFileSync(join(this.root, name, COPYING), '');
  }

  copyDone(name: string): void {
    rmSync(join(this.root, name, COPYING), { force: true });
  }

  /** Volumes whose copy-up a killed daemon cut short, emptied again (plain ones: an option
   * volume's _data is a mountpoint, not mounted at start, whose device is not berth's to clear). */
  emptyCutCopies(): string[] {
    if (!existsSync(this.root)) return [];
    const cut = readdirSync(this.root).filter((n) => !n.startsWith(TRASH) && existsSync(join(this.root, n, COPYING)));
    for (const name of cut) {
      const data = this.path(name);
      if (!mounted(data) && existsSync(data)) for (const entry of readdirSync(data)) rmSync(join(data, entry), { recursive: true, force: true });
      this.copyDone(name);
    }
    return cut;
  }

  /** What a removal that was interrupted (a killed daemon) left: purged at start. */
  leftovers(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((n) => n.startsWith(TRASH)).map((n) => join(this.root, n));
  }

  /** Bytes of file content under the volume (hard links counted once), as `system df` shows.
   * Walked asynchronously: a volume of many files would hold berthd's event loop for the walk. */
  async size(name: string): Promise<number> {
    const seen = new Set<string>();
    const walk = async (dir: string): Promise<number> => {
      let total = 0;
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) {
          total += await walk(p);
          continue;
        }
        const st = await lstat(p);
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (!seen.has(key)) total += st.size;
          seen.add(key);
        } else total += st.size;
      }
      return total;
    };
    try {
      return await walk(this.path(name));
    } catch {
      return -1; // gone or unreadable meanwhile: dockerd shows -1 ("N/A") for an unknown size
    }
  }

  /** Whether the volume has no entries (copy-up fills only an empty volume). */
  isEmpty(name: string): boolean {
    return readdirSync(this.path(name)).length === 0;
  }
}
