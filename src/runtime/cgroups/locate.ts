// Where a process's cgroup lives on this host, from /proc/<pid>/cgroup and the cgroup mounts in
// /proc/self/mountinfo. Asking the kernel (rather than rebuilding the path from the spec's
// cgroupsPath) covers a --cgroup-parent, runc's systemd driver and cgroup mounts whose root is
// not the hierarchy's root alike. On a hybrid host (v1 controllers plus an empty v2 mount) the
// v1 controllers are the ones that count.
import { readFileSync } from 'node:fs';

export type CgroupLocation =
  | { version: 1; dirs: Record<string, string> }
  | { version: 2; dir: string };

export interface ProcCgroupLine {
  hierarchy: string;
  controllers: string[];
  path: string;
}

export interface CgroupMount {
  mountPoint: string;
  /** The path inside the hierarchy that is mounted (usually "/"). */
  root: string;
  version: 1 | 2;
  /** v1: the controllers of the hierarchy (super options such as "memory", "name=systemd"). */
  controllers: string[];
}

/** "4:memory:/berth/<id>" lines; v2's line is "0::/path". */
export function parseProcCgroup(text: string): ProcCgroupLine[] {
  const out: ProcCgroupLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m) out.push({ hierarchy: m[1]!, controllers: m[2] ? m[2].split(',') : [], path: m[3]! });
  }
  return out;
}

/** mountinfo fields: id parent dev root mountpoint options [optional...] - fstype source superoptions. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const [fsType, , superOptions = ''] = right.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const f = left.split(' ');
    out.push({
      mountPoint: unescapeOctal(f[4] ?? ''),
      root: unescapeOctal(f[3] ?? '/'),
      version: fsType === 'cgroup2' ? 2 : 1,
      controllers: fsType === 'cgroup' ? superOptions.split(',') : [],
    });
  }
  return out;
}

/** The kernel writes spaces, tabs, newlines and backslashes in paths as \040-style escapes. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The directory of `path` inside a mount of its hierarchy, or undefined if not visible here. */
function under(mount: CgroupMount, path: string): string | undefined {
  const root = mount.root === '/' ? '' : mount.root;
  if (root && path !== root && !path.startsWith(`${root}/`)) return undefined;
  return mount.mountPoint + path.slice(root.length);
}

export function locateFrom(procCgroup: string, mountinfo: string): CgroupLocation | undefined {
  const lines = parseProcCgroup(procCgroup);
  const mounts = parseCgroupMounts(mountinfo);
  const dirs: Record<string, string> = {};
  for (const line of lines) {
    for (const controller of line.controllers) {
      const mount = mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
      const dir = mount && under(mount, line.path);
      if (dir !== undefined) dirs[controller] = dir;
    }
  }
  if (dirs.memory !== undefined || dirs.cpuacct !== undefined || dirs.pids !== undefined) return { version: 1, dirs };
  const unified = lines.find((l) => l.hierarchy === '0' && l.controllers.length === 0);
  const mount = mounts.find((m) => m.version === 2);
  const dir = unified && mount && under(mount, unified.path);
  return dir === undefined ? undefined : { version: 2, dir };
}

/** undefined when the process is gone or its cgroup is not mounted on this host. */
export function locateCgroup(pid: number, procRoot = '/proc'): CgroupLocation | undefined {
  if (!(pid > 0)) return undefined;
  try {
    return locateFrom(readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8'), readFileSync(`${procRoot}/self/mountinfo`, 'utf8'));
  } catch {
    return undefined;
  }
}
