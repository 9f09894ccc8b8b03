// Facts about the host that /info and /version report, read from the kernel and the OS rather
// than assumed. Cheap ones are read on each call; runtime versions are asked once and cached.
import { readFileSync, statfsSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
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

export function operatingSystem(): { name: string; version: string } {
  const text = readText('/etc/os-release');
  const field = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(text)?.[1] ?? '';
  return { name: field('PRETTY_NAME') || os.type(), version: field('VERSION_ID') };
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
  return os.machine();
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
    cached = run(path, ['--version'], { timeout: 5000 }).then(
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
