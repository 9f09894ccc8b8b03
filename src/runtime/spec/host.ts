// Facts about this machine that change what dockerd puts in a spec. Read once and cached: none of
// them change while the daemon runs. Every reader tolerates a missing file (containers, odd kernels)
// and falls back to the conservative answer.
import { existsSync, readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import type { HostInfo } from './types.ts';
import { inUserNamespace } from '../../lib/userns.ts';

/** dockerd sets these in a private network namespace when the kernel has them. */
export const DEFAULT_NET_SYSCTLS: Record<string, string> = {
  // unprivileged ICMP echo sockets, so ping works without CAP_NET_RAW
  'net.ipv4.ping_group_range': '0 2147483647',
  // binding ports below 1024 without CAP_NET_BIND_SERVICE
  'net.ipv4.ip_unprivileged_port_start': '0',
};

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The hard RLIMIT_NOFILE of this process, which runc (our child) inherits. */
export function nofileHardLimit(limits = read('/proc/self/limits')): number {
  const line = limits?.split('\n').find((l) => l.startsWith('Max open files'));
  const hard = line?.split(/\s{2,}/)[2];
  if (hard === undefined) return Number.MAX_SAFE_INTEGER;
  return hard === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(hard);
}

export function kernelVersion(rel = release()): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** "0-3,8" → [0,1,2,3,8]: the format of /sys/devices/system/cpu/possible. */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.push(i);
  }
  return out;
}

function detect(): HostInfo {
  const v1 = existsSync('/sys/fs/cgroup/memory');
  const cgroupV2 = !v1 && existsSync('/sys/fs/cgroup/cgroup.controllers');
  // Best effort, as dockerd's sysinfo: the root cgroup shows whether the controller takes weights
  // (cfq's blkio.weight on v1; the io controller on v2). Callers that know better pass the flag.
  const blkioWeight = cgroupV2
    ? (read('/sys/fs/cgroup/cgroup.controllers') ?? '').split(/\s+/).includes('io')
    : existsSync('/sys/fs/cgroup/blkio/blkio.weight');
  const swapLimit = cgroupV2 || existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
  const sysctls = Object.keys(DEFAULT_NET_SYSCTLS).filter((s) => existsSync(`/proc/sys/${s.replaceAll('.', '/')}`));
  // GHSA-6fw5-f8r9-fgfm: dockerd masks each CPU's thermal_throttle directory that exists.
  const cpus = parseCpuList(read('/sys/devices/system/cpu/possible') ?? '');
  const thermalThrottlePaths = cpus
    .map((c) => `/sys/devices/system/cpu/cpu${c}/thermal_throttle`)
    .filter((p) => existsSync(p));
  return {
    arch: process.arch,
    kernel: kernelVersion(),
    nofileHardLimit: nofileHardLimit(),
    capLastCap: Number(read('/proc/sys/kernel/cap_last_cap') ?? 40),
    ...capBounding(read('/proc/self/status')),
    hostname: hostname(),
    cgroupV2,
    blkioWeight,
    swapLimit,
    sysctls,
    thermalThrottlePaths,
    ...(inUserNamespace() && userNamespaceFacts()),
  };
}

/** What a user namespace (rootless) changes: see HostInfo. */
function userNamespaceFacts(): Partial<HostInfo> {
  return { oomScoreAdjFloor: Number(read('/proc/self/oom_score_adj') ?? 0), cgroupsWritable: false, pingGroupRange: `0 ${highestMapped(read('/proc/self/gid_map') ?? '')}` };
}

/** The highest id inside a namespace's map ("inside outside count" lines). */
export function highestMapped(map: string): number {
  const ends = map.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)).map(([inside, , count]) => inside! + count! - 1);
  return Math.max(0, ...ends.filter((n) => Number.isFinite(n)));
}

let cached: HostInfo | undefined;
export function hostInfo(overrides: Partial<HostInfo> = {}): HostInfo {
  cached ??= detect();
  return { ...cached, ...overrides };
}

function capBounding(status: string | undefined): { capBounding?: bigint } {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status ?? '')?.[1];
  return hex ? { capBounding: BigInt(`0x${hex}`) } : {};
}
