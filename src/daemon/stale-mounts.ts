// Startup's first clean-up, before any store clears its debris: what a killed berthd left
// mounted under its own data-root and exec-root. A removal's staging debris, a log directory
// being deleted or a diff's view with a mount inside cannot be deleted (and a deletion would
// reach into the mounted tree), and a container's rootfs left mounted after its exit would stay
// so for good. The daemon must come back whatever it finds: each mount is unmounted, lazily if
// busy (logged), and one that cannot go is logged and left — never fatal.
//
// Only what berthd itself mounts, and only under its own roots:
// - anything under a debris directory, which is about to be deleted (`overlay2/.staging`,
//   `vfs/.staging`, `containers/.removed-*`, `<exec-root>/rootfs-views`);
// - overlay (and fuse-overlayfs) mounts elsewhere under either root (containers' rootfs, views), except the rootfs
//   of a container that may still run, which live-restore adopts with its mount;
// - but not the storage driver's test mount (`overlay-probe-*`), which runs meanwhile and
//   cleans up after itself and after a crashed one (detect.ts).
// Anything else there (a disk an administrator mounted under the data-root) is not berthd's.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { FUSE_FSTYPE, PROBE_PREFIX, layerDebrisDirs, mountTable, rootfsMountPoint, unmountOrDetach, type MountEntry } from '../image/layers/index.ts';

export interface StaleMountRules {
  dataRoot: string;
  execRoot: string;
  /** Writable-layer cache ids of containers that may still run: their rootfs mounts stay. */
  keepRootfs: readonly string[];
}

/** The mounts to undo, latest first (a mount made on or inside another goes before it). */
export function staleMounts(table: readonly MountEntry[], rules: StaleMountRules): string[] {
  const data = realpathSync.native(rules.dataRoot);
  const exec = realpathSync.native(rules.execRoot);
  const debris = [...layerDebrisDirs(data), join(exec, 'rootfs-views')];
  const removedLogs = `${join(data, 'containers')}/.removed-`;
  const keep = rules.keepRootfs.map((id) => rootfsMountPoint(data, id));
  const probes = join(data, PROBE_PREFIX);
  const stale = (m: MountEntry) => !m.point.startsWith(probes) && (
    debris.some((d) => within(m.point, d)) || m.point.startsWith(removedLogs) ||
    ((m.fstype === 'overlay' || m.fstype === FUSE_FSTYPE) && [data, exec].some((r) => m.point.startsWith(`${r}/`)) && !keep.some((k) => within(m.point, k))));
  return table.filter(stale).map((m) => m.point).reverse();
}

export async function unmountStale(rules: StaleMountRules, logger: Logger): Promise<void> {
  for (const point of staleMounts(mountTable(), rules)) {
    try {
      const how = await unmountOrDetach(point);
      if (how === 'detached') logger.warn('leftover mount was busy: detached lazily', { path: point });
      else logger.info('unmounted a leftover mount', { path: point });
    } catch (err) {
      logger.error('cannot unmount a leftover mount', { path: point, error: (err as Error).message });
    }
  }
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}
