// The overlay probe's verdict, kept in the data root so that a restart does not mount a test
// overlay again. The probe (detect.ts) is a fork of berthd (4–10 ms of its main thread) and a
// child that mounts: ~30 ms of every start on this machine, for an answer that only changes
// when what decides it changes (issue 12). containers/storage keeps the same kind of answer
// (overlay's features) in its run directory; here it is kept across boots, keyed on:
//   - the kernel (release and build): what overlayfs can do;
//   - the data root's filesystem (statfs type and device): overlay refuses some upper layers;
//   - the privileges (effective capabilities, seccomp mode, uid map): a berthd moved into a
//     container may be refused mount(2) or unshare(2), or need `userxattr`;
//   - the attr tools the probe requires, and berthd's build (a new probe may test more).
// Only a success is kept: a host where overlay was refused probes at every start, and so picks
// up a fix. The verdict is used only while the overlay filesystem is registered
// (/proc/filesystems): at boot, before the first overlay mount loads the module, or with the
// module removed, the probe runs again.
import { existsSync, readFileSync, renameSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_VERSION, GIT_COMMIT } from '../../lib/build-info.ts';
import { which } from '../../lib/which.ts';
import { isoTime } from '../../lib/utc-time.ts';

/** The file in the data root; remove it to have the next start probe again. */
export const VERDICT_FILE = 'overlay-verdict.json';

export interface OverlayVerdict {
  key: Record<string, string>;
  /** When the test mount worked (RFC 3339). */
  at: string;
}

/** What decides whether a test overlay mount under root works, as the verdict is keyed. */
export function verdictKey(root: string): Record<string, string> {
  const status = readText('/proc/self/status');
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
  return {
    berth: `${ENGINE_VERSION} ${GIT_COMMIT}`,
    kernel: `${readText('/proc/sys/kernel/osrelease').trim()} ${readText('/proc/sys/kernel/version').trim()}`,
    filesystem: `${Number(statfsSync(root).type).toString(16)} dev ${statSync(root).dev}`,
    privileges: `CapEff ${field('CapEff')} Seccomp ${field('Seccomp')} uid_map ${readText('/proc/self/uid_map').trim().replace(/\s+/g, ' ')}`,
    tools: `${which('setfattr')} ${which('getfattr')}`,
  };
}

/** The kept success, if one was kept under the same key and overlay is registered. */
export function keptVerdict(root: string, key = verdictKey(root)): OverlayVerdict | undefined {
  const file = join(root, VERDICT_FILE);
  // existsSync first: a first start throws nothing (an exception costs start-up an Error).
  if (!existsSync(file) || !/\toverlay$/m.test(readText('/proc/filesystems'))) return undefined;
  let kept: OverlayVerdict;
  try {
    kept = JSON.parse(readText(file) || 'null') as OverlayVerdict;
  } catch {
    return undefined; // a torn or hand-edited file: probe again
  }
  if (!kept || typeof kept.at !== 'string' || !sameKey(kept.key, key)) return undefined;
  return kept;
}

/** Keeps a success (written whole: a crash leaves the old file or none). */
export function keepVerdict(root: string, key: Record<string, string>, at = new Date()): void {
  const file = join(root, VERDICT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ key, at: isoTime(at) } satisfies OverlayVerdict, null, 1)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function sameKey(a: unknown, b: Record<string, string>): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const kept = a as Record<string, unknown>;
  return Object.keys(kept).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => kept[k] === v);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
