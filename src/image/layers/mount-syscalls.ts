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

export async function umount(target: string): Promise<void> {
  const h = hostHelper();
  if (h) return h.umount(target);
  await run('umount', ['--', target]);
}
