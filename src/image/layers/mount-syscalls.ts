// mount(2) and umount2(2) for the layer store, through berthd's host helper (lib/host-helper.ts):
// mount(8)/umount(8) would cost a process start each, twice on the path of every `docker run`.
// Where the helper cannot run, the commands do it.
import { hostHelper, type MountRequest } from '../../lib/host-helper.ts';
import { run } from './exec.ts';

export const MS_RDONLY = 1;

export async function mount(r: MountRequest): Promise<void> {
  const h = hostHelper();
  if (h) return h.mount(r);
  const opts = (r.flags ?? 0) & MS_RDONLY ? `ro,${r.data}` : r.data;
  await run('mount', ['-t', r.fstype, r.source, '-o', opts, '--', r.target], r.cwd ? { cwd: r.cwd } : {});
}

/** umount2's flag for a lazy unmount: the mount leaves the tree now and goes once unused. */
export const MNT_DETACH = 2;

export async function umount(target: string, flags = 0): Promise<void> {
  const h = hostHelper();
  if (h) return h.umount(target, flags);
  await run('umount', [...(flags & MNT_DETACH ? ['-l'] : []), '--', target]);
}
