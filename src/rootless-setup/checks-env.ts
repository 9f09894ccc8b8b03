// The user's environment: XDG_RUNTIME_DIR (where the socket goes), and the notes on what a
// rootless berthd does less well on this host (cgroup v1 limits, low ports, no user session).
import { readFileSync, statSync, statfsSync } from 'node:fs';
import { missing, note, ok, type Finding } from './findings.ts';
import type { SetupUser } from './paths.ts';

const CGROUP2_MAGIC = 0x63677270;

export function runtimeDirCheck(user: SetupUser, runtimeDir: string | undefined, raw = process.env.XDG_RUNTIME_DIR): Finding {
  const standard = `/run/user/${user.uid}`;
  const makeIt = (dir: string) => [`install -d -m 0700 -o ${user.name} -g ${user.gid} ${dir}`];
  if (!runtimeDir && raw) return missing(`XDG_RUNTIME_DIR=${raw} is not an absolute path`, { asUser: [`export XDG_RUNTIME_DIR=${standard}`] });
  if (!runtimeDir) {
    return missing(`XDG_RUNTIME_DIR is not set: berthd's socket goes in $XDG_RUNTIME_DIR/berth (a login session through systemd-logind sets it to ${standard})`, {
      ...(exists(standard) ? {} : { asRoot: makeIt(standard) }),
      asUser: [`export XDG_RUNTIME_DIR=${standard}`],
    });
  }
  let st;
  try {
    st = statSync(runtimeDir);
  } catch {
    return missing(`XDG_RUNTIME_DIR=${runtimeDir} does not exist`, runtimeDir.startsWith('/run/') ? { asRoot: makeIt(runtimeDir) } : { asUser: [`mkdir -p -m 0700 ${runtimeDir}`] });
  }
  if (!st.isDirectory()) return missing(`XDG_RUNTIME_DIR=${runtimeDir} is not a directory`, { asUser: [`export XDG_RUNTIME_DIR=${standard}`] });
  if (st.uid !== user.uid) return missing(`XDG_RUNTIME_DIR=${runtimeDir} belongs to uid ${st.uid}, not to ${user.name} (${user.uid})`, { asRoot: [`chown ${user.name}: ${runtimeDir}`, `chmod 0700 ${runtimeDir}`] });
  if (st.mode & 0o022) return missing(`XDG_RUNTIME_DIR=${runtimeDir} is writable by others (mode ${(st.mode & 0o777).toString(8)})`, { asUser: [`chmod 0700 ${runtimeDir}`] });
  return ok(`XDG_RUNTIME_DIR=${runtimeDir} (${user.name}'s, mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`);
}

/** What works less well here; never a refusal. */
export function hostNotes(cgroupRoot = '/sys/fs/cgroup'): Finding[] {
  const notes: Finding[] = [];
  let v2 = false;
  try {
    v2 = statfsSync(cgroupRoot).type === CGROUP2_MAGIC;
  } catch {
    // no cgroup filesystem at all: v1 rules apply (nothing can be limited)
  }
  if (!v2) {
    notes.push(note('cgroup v1 host: a rootless berthd cannot enforce memory, CPU, cpuset, pids or block I/O limits (`docker info` says so, and a container asking for one runs without it, with a warning). Boot the host with cgroup v2 to have them.'));
  }
  const start = Number(read('/proc/sys/net/ipv4/ip_unprivileged_port_start') || '1024');
  if (start > 0) notes.push(note(`ports below ${start} cannot be published (net.ipv4.ip_unprivileged_port_start = ${start}); to allow them, as root: sysctl -w net.ipv4.ip_unprivileged_port_start=0`));
  return notes;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
