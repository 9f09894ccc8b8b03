// The files of one container log, as rotation leaves them beside conmon's k8s-file `<log>`:
//   <log>.N[.gz] … <log>.1[.gz]   rotated, oldest first (Docker's names; .gz when compressed)
//   <log>.keep                    a hard link to the file conmon writes (log-rotation.ts): when
//                                 conmon replaces <log> on its own, the old file lives on here
//   <log>                         the file conmon writes
// Rotation's renames are here too (log-rotation.ts decides when).
// Readers take a consistent snapshot: every file opened, then each name checked to still be the
// file that was opened, so a rotation in between (which renames them all) is seen and retried.
import { closeSync, constants, createReadStream, createWriteStream, fstatSync, linkSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { zlib } from '../../lib/lazy-zlib.ts';
import type { RotationPolicy } from './log-rotation.ts';

export const KEEP_SUFFIX = '.keep';

export function rotatedPath(path: string, index: number, gz: boolean): string {
  return `${path}.${index}${gz ? '.gz' : ''}`;
}

export interface RotatedFile {
  index: number;
  gz: boolean;
  path: string;
}

/** Rotated files by index (1 = newest); a plain file wins over a .gz of the same index (mid-compression)
 * unless `both` asks for every file. */
export async function listRotated(path: string, both = false): Promise<RotatedFile[]> {
  const base = basename(path);
  const names = listDir(dirname(path));
  const byIndex = new Map<number, RotatedFile>();
  const shadowed: RotatedFile[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^(\d+)(\.gz)?$/.exec(name.slice(base.length + 1));
    if (!m || m[1]!.startsWith('0')) continue;
    const index = Number(m[1]);
    const gz = m[2] !== undefined;
    const file = { index, gz, path: join(dirname(path), name) };
    const other = byIndex.get(index);
    if (other) shadowed.push(gz ? file : other);
    if (!other || !gz) byIndex.set(index, file);
  }
  return [...byIndex.values(), ...(both ? shadowed : [])].sort((a, b) => a.index - b.index);
}

// Listing, opening and stat-ing a log's few files synchronously: each is microseconds, and a
// `logs --tail` would otherwise spend most of its time on thread-pool round trips.
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export interface OpenLogFile {
  path: string;
  gz: boolean;
  /** Open for reading (a plain fd: opening, stat and small reads are synchronous, see log-chain.ts). */
  fd: number;
  ino: number;
  /** Bytes on disk when opened (compressed bytes for .gz). */
  size: number;
  /** The file conmon writes (`<log>` itself). */
  live: boolean;
}

/** All files of the log, oldest first, opened; [] when there are none. */
export async function openLogFiles(path: string): Promise<OpenLogFile[]> {
  for (let attempt = 0; ; attempt++) {
    const files = await tryOpen(path);
    if (files && (await stillSame(files))) return files;
    if (files && attempt >= 5) return files; // rotating without pause: take what we have
    for (const f of files ?? []) closeSync(f.fd);
  }
}

async function tryOpen(path: string): Promise<OpenLogFile[] | undefined> {
  const rotated = (await listRotated(path)).reverse();
  const wanted = [...rotated.map((r) => ({ path: r.path, gz: r.gz, live: false })), { path: `${path}${KEEP_SUFFIX}`, gz: false, live: false }, { path, gz: false, live: true }];
  const out: OpenLogFile[] = [];
  for (const w of wanted) {
    const fd = openIfThere(w.path);
    if (fd === undefined) {
      if (w.path.endsWith(KEEP_SUFFIX) || w.live) continue; // both may be absent
      for (const f of out) closeSync(f.fd);
      return undefined; // renamed away since the listing
    }
    const st = fstatSync(fd);
    out.push({ ...w, fd, ino: st.ino, size: st.size });
  }
  // .keep is the live file, or a rotated one after an interrupted rotation: count each file once.
  const keep = out.find((f) => f.path.endsWith(KEEP_SUFFIX));
  if (keep && out.some((f) => f !== keep && f.ino === keep.ino)) {
    closeSync(keep.fd);
    out.splice(out.indexOf(keep), 1);
  }
  return out;
}

function openIfThere(path: string): number | undefined {
  try {
    return openSync(path, constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function stillSame(files: OpenLogFile[]): Promise<boolean> {
  for (const f of files) {
    const st = statSync(f.path, { throwIfNoEntry: false });
    if (st?.ino !== f.ino) return false;
  }
  return true;
}

/** Make room for a new .1: the oldest kept file goes, the others move up one. */
export async function shift(path: string, policy: RotationPolicy): Promise<void> {
  const rotated = await listRotated(path, true);
  for (const r of rotated) if (r.index >= policy.maxFiles - 1) await rm(r.path, { force: true });
  for (const r of rotated.reverse()) {
    if (r.index < policy.maxFiles - 1) await rename(r.path, rotatedPath(path, r.index + 1, r.gz));
  }
}

/** The new .1 is complete: drop it (max-file 1) or compress it. */
export async function finishRotated(path: string, policy: RotationPolicy): Promise<void> {
  const first = rotatedPath(path, 1, false);
  if (policy.maxFiles <= 1) return void (await rm(first, { force: true }));
  if (!policy.compress) return;
  const gz = rotatedPath(path, 1, true);
  // Readers prefer the plain file while both exist, so the .gz only appears complete.
  await pipeline(createReadStream(first), zlib().createGzip(), createWriteStream(`${gz}.tmp`, { mode: 0o600 }));
  await rename(`${gz}.tmp`, gz);
  await rm(first, { force: true });
}

/** Point .keep at the file conmon writes now (a new link renamed over the old one). */
export function relinkKeep(path: string): void {
  // Three metadata operations, done when every container starts: synchronously (a thread-pool
  // round trip each would cost more).
  const tmp = `${path}${KEEP_SUFFIX}.tmp`;
  rmSync(tmp, { force: true });
  try {
    linkSync(path, tmp);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  renameSync(tmp, `${path}${KEEP_SUFFIX}`);
}
