// Facts about the host that /info and /version report, read from the kernel and the OS rather
// than assumed. Cheap ones are read on each call; runtime versions are asked once and cached.
import { readFileSync, statfsSync, existsSync, readdirSync } from 'node:fs';
import { machine, type as osType } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const CGROUP2_MAGIC = 0x63677270;

export interface CgroupFacts {
  version: '1' | '2';
  /** /sys/fs/cgroup holds v1 controllers and a v2 tree at /sys/fs/cgroup/unified. */
  hybrid: boolean;
  controllers: string[];
}

export function cgroupFacts(root = '/sys/fs/cgroup'): CgroupFacts {
  if (statfsSync(root).type === CGROUP2_MAGIC) {
    const controllers = readText(`${root}/cgroup.controllers`).trim().split(/\s+/).filter(Boolean);
    return { version: '2', hybrid: false, controllers };
  }
  const controllers = existsSync(root) ? readdirSync(root).filter((c) => !['unified', 'systemd'].includes(c)) : [];
  return { version: '1', hybrid: existsSync(`${root}/unified`), controllers };
}

// statfs magic numbers of the filesystems a data-root is commonly on, named as dockerd names them.
const FS_NAMES: Record<number, string> = {
  0xef53: 'extfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs', 0x6969: 'nfs', 0x65735546: 'fuse', 0x5346544e: 'ntfs',
};

/** The filesystem under `path` (the nearest existing ancestor), e.g. "extfs". */
export function backingFilesystem(path: string): string {
  for (let p = path; ; p = p.slice(0, p.lastIndexOf('/')) || '/') {
    try {
      const type = Number(statfsSync(p).type);
      return FS_NAMES[type] ?? `0x${type.toString(16)}`;
    } catch {
      if (p === '/') return 'unknown';
    }
  }
}

export function operatingSystem(): { name: string; version: string } {
  const text = readText('/etc/os-release');
  const field = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(text)?.[1] ?? '';
  return { name: field('PRETTY_NAME') || osType(), version: field('VERSION_ID') };
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function ipv4Forwarding(): boolean {
  return readText('/proc/sys/net/ipv4/ip_forward').trim() === '1';
}

export function openFileCount(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

export function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

export function unameMachine(): string {
  return machine();
}

export interface BinaryVersion {
  version: string;
  commit: string;
}

const versionCache = new Map<string, Promise<BinaryVersion | undefined>>();

/** `runc --version` / `conmon --version`: first line's version and the `commit:` line. */
export function binaryVersion(path: string): Promise<BinaryVersion | undefined> {
  let cached = versionCache.get(path);
  if (!cached) {
    // promisify here, not at the top: that reads execFile at load, and loads node:child_process
    // (with dgram and the socket list) into every start (issue 12).
    cached = promisify(execFile)(path, ['--version'], { timeout: 5000 }).then(
      ({ stdout }) => ({
        version: /version:?\s+v?([\w.+~-]+)/i.exec(stdout)?.[1] ?? 'unknown',
        commit: /commit:\s*(\S+)/i.exec(stdout)?.[1] ?? '',
      }),
      () => undefined,
    );
    versionCache.set(path, cached);
  }
  return cached;
}
