// Mounts as dockerd lays them out (oci/defaults.go and withMounts in daemon/oci_linux.go): the
// default kernel filesystems, user mounts replacing defaults at the same destination, and
// builders that give binds and tmpfs mounts Docker's options.
import { invalidParameter } from '../../api/types/errors.ts';
import type { OciMount } from './types.ts';

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export function defaultMounts(): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts', type: 'devpts', source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777'] },
  ];
}

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

/** A bind mount with Docker's options: rbind (unless nonRecursive), ro when read-only, propagation. */
export function bindMount(m: {
  source: string;
  destination: string;
  readOnly?: boolean;
  propagation?: string; // default rprivate, as Docker's volume parser
  nonRecursive?: boolean;
}): OciMount {
  const propagation = m.propagation || 'rprivate';
  if (!PROPAGATIONS.includes(propagation)) throw invalidParameter(`invalid propagation mode: ${propagation}`);
  const options = [m.nonRecursive ? 'bind' : 'rbind'];
  if (m.readOnly) options.push('ro');
  options.push(propagation);
  return { destination: m.destination, type: 'bind', source: m.source, options };
}

/**
 * Mount flags by the kernel bit they set or clear (moby/sys/mount's table): `exec` and `noexec`
 * share a key, so the later one wins. Every propagation/bind flag shares one key: one mode only.
 */
const FLAG_KEY: Record<string, string> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'nosuid', nosuid: 'nosuid', dev: 'nodev', nodev: 'nodev', exec: 'noexec',
  noexec: 'noexec', sync: 'sync', async: 'sync', dirsync: 'dirsync', remount: 'remount', mand: 'mand',
  nomand: 'mand', atime: 'noatime', noatime: 'noatime', diratime: 'nodiratime', nodiratime: 'nodiratime',
  relatime: 'relatime', norelatime: 'relatime', strictatime: 'strictatime', nostrictatime: 'strictatime',
  bind: 'propagation', rbind: 'propagation', unbindable: 'propagation', runbindable: 'propagation',
  private: 'propagation', rprivate: 'propagation', shared: 'propagation', rshared: 'propagation',
  slave: 'propagation', rslave: 'propagation',
};
const TMPFS_DATA = ['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol'];

/**
 * A tmpfs mount (`--tmpfs /run:size=64m`): Docker's defaults noexec,nosuid,nodev,rprivate, then the
 * user's options; a later option beats an earlier one with the same key (so `exec` beats the
 * default noexec, the last `size=` wins) — moby's MergeTmpfsOptions, including its refusals.
 */
export function tmpfsMount(destination: string, data = ''): OciMount {
  const options = ['noexec', 'nosuid', 'nodev', 'rprivate', ...data.split(',').filter(Boolean)];
  const seen = new Set<string>();
  const merged: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const o = options[i]!;
    if (o === 'defaults') continue;
    let key = FLAG_KEY[o];
    if (key === undefined) {
      const name = o.split('=')[0]!;
      if (!o.includes('=') || !TMPFS_DATA.includes(name)) throw invalidParameter(`invalid tmpfs option "${name}"`);
      checkTmpfsValue(name, o.slice(name.length + 1));
      key = `data:${name}`;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    merged.unshift(o);
  }
  return { destination, type: 'tmpfs', source: 'tmpfs', options: merged };
}

/** What tmpfs's mount parser takes for each option (the kernel's memparse sizes, an octal mode,
 * numeric ids): a value it refuses fails the start with EINVAL. */
const TMPFS_VALUE: Record<string, RegExp> = {
  size: /^\d+([kKmMgGtTpPeE]|%)?$/, nr_blocks: /^\d+[kKmMgGtTpPeE]?$/, nr_inodes: /^\d+([kKmMgGtTpPeE]|%)?$/,
  mode: /^[0-7]+$/, uid: /^\d+$/, gid: /^\d+$/,
};

function checkTmpfsValue(name: string, value: string): void {
  if (TMPFS_VALUE[name] && !TMPFS_VALUE[name].test(value)) throw invalidParameter(`invalid value for tmpfs option "${name}": ${JSON.stringify(value)}`);
}

export interface MountLayout {
  userMounts: readonly OciMount[];
  shmSize: number;
  ipcNone: boolean;
  ipcHost: boolean;
  readonlyRootfs: boolean;
  sysWritable: boolean; // privileged
  cgroupWritable: boolean;
}

/**
 * The final mount list. A user mount at a default's destination replaces it; a user /dev replaces
 * everything under /dev too. Read-only rootfs makes the remaining defaults read-only except the
 * ones a process needs to write (/proc, /dev and its children). User mounts come last, parents
 * before children, so a mount under another lands on top of it.
 */
export function layoutMounts(l: MountLayout): OciMount[] {
  const user = [...l.userMounts];
  if (l.ipcHost && !user.some((m) => m.destination === '/dev/shm')) {
    user.push(bindMount({ source: '/dev/shm', destination: '/dev/shm' }));
  }
  const userDest = new Set(user.map((m) => clean(m.destination)));
  const userDev = userDest.has('/dev');
  const out: OciMount[] = [];
  for (const m of defaultMounts()) {
    if (userDest.has(m.destination)) continue;
    if (userDev && m.destination.startsWith('/dev/')) continue;
    if (m.destination === '/dev/shm') {
      if (l.ipcNone) continue;
      m.options!.push(`size=${l.shmSize}`);
    }
    if (l.readonlyRootfs && !['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue'].includes(m.destination)) {
      if (!m.options!.includes('ro')) m.options!.push('ro');
    }
    if ((m.destination === '/sys' && l.sysWritable) || (m.type === 'cgroup' && l.cgroupWritable)) {
      m.options = m.options!.filter((o) => o !== 'ro');
    }
    out.push(m);
  }
  const depth = (m: OciMount) => clean(m.destination).split('/').length;
  return [...out, ...user.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i).map((x) => x.m)];
}

function clean(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/**
 * rootfsPropagation for the user mounts: a shared bind needs the container's root to be shared,
 * a slave bind needs it to be (at least) a slave, as dockerd sets it.
 */
export function rootfsPropagation(mounts: readonly OciMount[]): string | undefined {
  const opts = mounts.filter((m) => m.type === 'bind').flatMap((m) => m.options ?? []);
  if (opts.some((o) => o === 'shared' || o === 'rshared')) return 'shared';
  if (opts.some((o) => o === 'slave' || o === 'rslave')) return 'rslave';
  return undefined;
}
