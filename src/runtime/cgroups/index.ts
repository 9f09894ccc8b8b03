// A container's cgroup, read without the runtime: where it is (locate), one sample of its
// counters for either cgroup version, and the pids in it. Mechanism only; no container state.
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { CgroupLocation } from './locate.ts';
import { readV1 } from './v1.ts';
import { readV2 } from './v2.ts';
import { readCgroupFile } from './parse.ts';
import type { CgroupSample } from './types.ts';

export { locateCgroup, locateFrom, parseCgroupMounts, parseProcCgroup, type CgroupLocation } from './locate.ts';
export { readV1, MEMORY_KEYS_V1, type V1Dirs } from './v1.ts';
export { readV2, MEMORY_KEYS_V2 } from './v2.ts';
export { machineMemory, parseProcStat, systemCpu } from './host.ts';
export type * from './types.ts';

export function sampleCgroup(loc: CgroupLocation): CgroupSample {
  return loc.version === 2 ? readV2(loc.dir) : readV1(loc.dirs);
}

/** A directory of the cgroup that lists its processes (any v1 controller will do: runc joins all). */
function procsDir(loc: CgroupLocation): string | undefined {
  if (loc.version === 2) return loc.dir;
  return loc.dirs.pids ?? loc.dirs.memory ?? loc.dirs.cpu ?? Object.values(loc.dirs)[0];
}

/** False once the cgroup is gone (the container's last process exited and runc removed it). */
export function cgroupExists(loc: CgroupLocation): boolean {
  const dir = procsDir(loc);
  return dir !== undefined && existsSync(dir);
}

/** Every pid in the cgroup and the cgroups below it, as `runc ps` lists them. */
export function cgroupPids(loc: CgroupLocation): number[] {
  const dir = procsDir(loc);
  if (dir === undefined) return [];
  const pids: number[] = [];
  const walk = (d: string): void => {
    for (const p of (readCgroupFile(join(d, 'cgroup.procs')) ?? '').split('\n')) if (/^\d+$/.test(p)) pids.push(Number(p));
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
  };
  walk(dir);
  return pids;
}

