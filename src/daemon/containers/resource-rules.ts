// The limits of a create's or an update's HostConfig, checked as dockerd checks them — its
// runconfig validateQoS/validateResources, then daemon verifyPlatformContainerResources and
// verifyPlatformContainerSettings, in that order, with their texts — and against this host
// (cgroups/support.ts): what the host cannot apply is dropped with dockerd's warning.
//
// berthd goes further where dockerd takes a value that then fails in runc or the kernel at
// start (a 500 long after the 201); those rules are marked "berth:" and refuse at create instead.
// The table is the only place these checks live: create, update and start all run it.
import type { ResourceSupport } from '../../runtime/cgroups/support.ts';
import type { RootlessLimits } from '../system/rootless-limits.ts';
import { checkUlimit } from '../../runtime/spec/limits.ts';
import type { Ulimit } from '../../runtime/spec/types.ts';
import { cpusetError } from './cpuset-list.ts';

export type Limits = Record<string, unknown>;

export interface RuleEnv {
  support: ResourceSupport;
  /** dockerd's update checks the request alone: MemorySwap may come without Memory. */
  update: boolean;
  nofileHostHard: number;
  /** The real-time runtime the container's parent cgroup can hand out (µs). */
  realtimeBudget(parent: string): number;
  /** Why a path cannot be throttled (missing, not a block device), or undefined. */
  blockDeviceProblem(path: string): string | undefined;
  /** A rootless daemon's cgroups (rootless-drops.ts drops what they cannot enforce). */
  rootless?: RootlessLimits;
}

type Rule =
  | { refuse: (r: Limits, e: RuleEnv) => string | false | undefined }
  | { when: (r: Limits, e: RuleEnv) => boolean; warn?: string | ((r: Limits) => string | undefined); drop: (r: Limits) => void };

const MIN_MEMORY = 6 * 1024 * 1024;
/** The kernel's largest cfs quota (max_cfs_runtime: 2^44-1 µs) and pids.max (PID_MAX_LIMIT). */
const MAX_CFS_QUOTA = 2 ** 44 - 1;
const MAX_PIDS = 4 * 1024 * 1024;
const THROTTLES = [
  ['BlkioDeviceReadBps', 'blkioReadBps', 'Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit discarded.'],
  ['BlkioDeviceWriteBps', 'blkioWriteBps', 'Your kernel does not support BPS Block I/O write limit or the cgroup is not mounted. Block I/O BPS write limit discarded.'],
  ['BlkioDeviceReadIOps', 'blkioReadIOps', 'Your kernel does not support IOPS Block read limit or the cgroup is not mounted. Block I/O IOPS read limit discarded.'],
  ['BlkioDeviceWriteIOps', 'blkioWriteIOps', 'Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block I/O IOPS write limit discarded.'],
] as const;
const DEVICE_LISTS = ['BlkioWeightDevice', ...THROTTLES.map(([f]) => f)];

/** A numeric field as a number (the Go type check has run: it is an integer or null). */
const n = (r: Limits, f: string): number => (typeof r[f] === 'number' ? (r[f] as number) : 0);
const set = (r: Limits, f: string): boolean => r[f] !== undefined && r[f] !== null;
const list = <T>(r: Limits, f: string): T[] => (Array.isArray(r[f]) ? (r[f] as T[]) : []);
const parentOf = (r: Limits): string => `/${((r.CgroupParent as string) || 'berth').replace(/^\/+|\/+$/g, '')}`;
const unsupported = (what: string, discarded: string) => `Your kernel does not support ${what} or the cgroup is not mounted. ${discarded}`;

export const RULES: Rule[] = [
  // runconfig, at decode time
  { refuse: (r) => n(r, 'IOMaximumBandwidth') !== 0 && 'invalid option: QoS maximum bandwidth configuration is not supported on linux' },
  { refuse: (r) => n(r, 'IOMaximumIOps') !== 0 && 'invalid option: QoS maximum IOPs configuration is not supported on linux' },
  { refuse: (r, e) => (n(r, 'CpuRealtimePeriod') !== 0 || n(r, 'CpuRealtimeRuntime') !== 0) && !e.support.cpuRealtime && 'kernel does not support CPU real-time scheduler' },
  { refuse: (r) => n(r, 'CpuRealtimePeriod') !== 0 && n(r, 'CpuRealtimeRuntime') !== 0 && n(r, 'CpuRealtimeRuntime') > n(r, 'CpuRealtimePeriod') && 'cpu real-time runtime cannot be higher than cpu real-time period' },
  // berth: the kernel refuses these writes (EINVAL) when runc makes the cgroup.
  { refuse: (r) => n(r, 'CpuRealtimePeriod') < 0 && `invalid CPU real-time period (${n(r, 'CpuRealtimePeriod')}): value must be a positive integer` },
  { refuse: (r) => n(r, 'CpuRealtimeRuntime') < 0 && `invalid CPU real-time runtime (${n(r, 'CpuRealtimeRuntime')}): value must be a positive integer` },
  { refuse: (r, e) => n(r, 'CpuRealtimeRuntime') > 0 && realtimeProblem(n(r, 'CpuRealtimeRuntime'), parentOf(r), e) },
  { refuse: (r, e) => e.support.cpuShares && n(r, 'CpuShares') < 0 && `invalid CPU shares (${n(r, 'CpuShares')}): value must be a positive integer` },
  // verifyPlatformContainerResources: memory
  { when: (r) => r.MemorySwappiness === -1, drop: (r) => (r.MemorySwappiness = null) },
  { refuse: (r) => n(r, 'Memory') !== 0 && n(r, 'Memory') < MIN_MEMORY && 'Minimum memory limit allowed is 6MB' },
  { when: (r, e) => n(r, 'Memory') > 0 && !e.support.memoryLimit, warn: unsupported('memory limit capabilities', 'Limitation discarded.'), drop: (r) => ((r.Memory = 0), (r.MemorySwap = -1)) },
  { when: (r, e) => n(r, 'Memory') > 0 && n(r, 'MemorySwap') !== -1 && !e.support.swapLimit, warn: unsupported('swap limit capabilities', 'Memory limited without swap.'), drop: (r) => (r.MemorySwap = -1) },
  { refuse: (r) => n(r, 'Memory') > 0 && n(r, 'MemorySwap') > 0 && n(r, 'MemorySwap') < n(r, 'Memory') && 'Minimum memoryswap limit should be larger than memory limit, see usage' },
  { refuse: (r, e) => n(r, 'Memory') === 0 && n(r, 'MemorySwap') > 0 && !e.update && 'You should always set the Memory limit when using Memoryswap limit, see usage' },
  { when: (r, e) => set(r, 'MemorySwappiness') && !e.support.memorySwappiness, warn: unsupported('memory swappiness capabilities', 'Memory swappiness discarded.'), drop: (r) => (r.MemorySwappiness = null) },
  { refuse: (r) => set(r, 'MemorySwappiness') && (n(r, 'MemorySwappiness') < 0 || n(r, 'MemorySwappiness') > 100) && `Invalid value: ${n(r, 'MemorySwappiness')}, valid memory swappiness range is 0-100` },
  { when: (r, e) => n(r, 'MemoryReservation') > 0 && !e.support.memoryReservation, warn: unsupported('memory soft limit capabilities', 'Limitation discarded.'), drop: (r) => (r.MemoryReservation = 0) },
  { refuse: (r) => n(r, 'MemoryReservation') > 0 && n(r, 'MemoryReservation') < MIN_MEMORY && 'Minimum memory reservation allowed is 6MB' },
  { refuse: (r) => n(r, 'Memory') > 0 && n(r, 'Memory') < n(r, 'MemoryReservation') && 'Minimum memory limit can not be less than memory reservation limit, see usage' },
  { when: (r, e) => set(r, 'OomKillDisable') && !e.support.oomKillDisable, warn: (r) => (r.OomKillDisable === true ? 'Your kernel does not support OomKillDisable. OomKillDisable discarded.' : undefined), drop: (r) => (r.OomKillDisable = null) },
  { when: (r) => r.OomKillDisable === true && n(r, 'Memory') === 0, warn: 'OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.', drop: () => undefined },
  { when: (r, e) => set(r, 'PidsLimit') && !e.support.pidsLimit, warn: (r) => (n(r, 'PidsLimit') > 0 ? unsupported('PIDs limit capabilities', 'PIDs limit discarded.') : undefined), drop: (r) => (r.PidsLimit = null) },
  // berth: pids.max takes at most PID_MAX_LIMIT.
  { refuse: (r) => n(r, 'PidsLimit') > MAX_PIDS && `PIDs limit can not be more than ${MAX_PIDS}, the kernel's maximum` },
  // cpu
  { refuse: (r) => n(r, 'NanoCpus') > 0 && n(r, 'CpuPeriod') > 0 && 'Conflicting options: Nano CPUs and CPU Period cannot both be set' },
  { refuse: (r) => n(r, 'NanoCpus') > 0 && n(r, 'CpuQuota') > 0 && 'Conflicting options: Nano CPUs and CPU Quota cannot both be set' },
  { refuse: (r, e) => n(r, 'NanoCpus') > 0 && !e.support.cpuCfs && 'NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted' },
  // berth: dockerd lets a value under 0.01 CPU through (its text says 0.01): the quota it makes
  // is under the kernel's 1ms (a failed start) or 0 (no limit at all).
  { refuse: (r, e) => n(r, 'NanoCpus') !== 0 && (n(r, 'NanoCpus') < 1e7 || n(r, 'NanoCpus') > e.support.numCpu * 1e9) && `range of CPUs is from 0.01 to ${e.support.numCpu}.00, as there are only ${e.support.numCpu} CPUs available` },
  { when: (r, e) => n(r, 'CpuShares') > 0 && !e.support.cpuShares, warn: unsupported('CPU shares', 'Shares discarded.'), drop: (r) => (r.CpuShares = 0) },
  // berth: runc's limits for cpu.shares (v2 maps 1 to a weight, so the minimum is v1's).
  { refuse: (r) => n(r, 'CpuShares') > 262144 && 'the maximum allowed cpu-shares is 262144' },
  { refuse: (r, e) => !e.support.cgroupV2 && n(r, 'CpuShares') === 1 && 'the minimum allowed cpu-shares is 2' },
  { when: (r, e) => (n(r, 'CpuPeriod') !== 0 || n(r, 'CpuQuota') !== 0) && !e.support.cpuCfs, warn: 'Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.', drop: (r) => ((r.CpuPeriod = 0), (r.CpuQuota = 0)) },
  { refuse: (r) => n(r, 'CpuPeriod') !== 0 && (n(r, 'CpuPeriod') < 1000 || n(r, 'CpuPeriod') > 1000000) && 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)' },
  { refuse: (r) => n(r, 'CpuQuota') > 0 && n(r, 'CpuQuota') < 1000 && 'CPU cfs quota can not be less than 1ms (i.e. 1000)' },
  // berth: the kernel's cfs_quota_us maximum.
  { refuse: (r) => n(r, 'CpuQuota') > MAX_CFS_QUOTA && `CPU cfs quota can not be more than ${MAX_CFS_QUOTA}, the kernel's maximum` },
  { when: (r) => n(r, 'CpuPercent') > 0, warn: 'linux does not support CPU percent. Percent discarded.', drop: (r) => (r.CpuPercent = 0) },
  // cpuset
  { when: (r, e) => (!!r.CpusetCpus || !!r.CpusetMems) && !e.support.cpuset, warn: unsupported('cpuset', 'Cpuset discarded.'), drop: (r) => ((r.CpusetCpus = ''), (r.CpusetMems = '')) },
  { refuse: (r, e) => cpusetError('cpus', (r.CpusetCpus as string) ?? '', e.support.cpus) },
  { refuse: (r, e) => cpusetError('mems', (r.CpusetMems as string) ?? '', e.support.mems) },
  // blkio
  { when: (r, e) => n(r, 'BlkioWeight') > 0 && !e.support.blkioWeight, warn: unsupported('Block I/O weight', 'Weight discarded.'), drop: (r) => (r.BlkioWeight = 0) },
  { refuse: (r) => n(r, 'BlkioWeight') > 0 && (n(r, 'BlkioWeight') < 10 || n(r, 'BlkioWeight') > 1000) && 'Range of blkio weight is from 10 to 1000' },
  { when: (r, e) => list(r, 'BlkioWeightDevice').length > 0 && !e.support.blkioWeightDevice, warn: unsupported('Block I/O weight_device', 'Weight-device discarded.'), drop: (r) => (r.BlkioWeightDevice = []) },
  ...THROTTLES.map(([field, fact, warn]): Rule => ({ when: (r, e) => list(r, field).length > 0 && !e.support[fact], warn, drop: (r) => (r[field] = []) })),
  // berth: the kernel takes weights of 10 to 1000 per device too, and only block devices.
  { refuse: (r) => list<{ Weight?: number }>(r, 'BlkioWeightDevice').some((d) => (d?.Weight ?? 0) < 10 || (d?.Weight ?? 0) > 1000) && 'Range of blkio weight is from 10 to 1000' },
  { refuse: (r, e) => deviceProblem(r, e) },
  // verifyPlatformContainerSettings
  { refuse: (r) => n(r, 'ShmSize') < 0 && 'SHM size can not be less than 0' },
  { refuse: (r) => (n(r, 'OomScoreAdj') < -1000 || n(r, 'OomScoreAdj') > 1000) && `Invalid value ${n(r, 'OomScoreAdj')}, range for oom score adj is [-1000, 1000]` },
  // berth: runc refuses these at start (see limits.ts).
  { refuse: (r, e) => ulimitProblem(list<Ulimit>(r, 'Ulimits'), e.nofileHostHard) },
];

function realtimeProblem(runtime: number, parent: string, e: RuleEnv): string | undefined {
  const budget = e.realtimeBudget(parent);
  return runtime > budget ? `cpu real-time runtime ${runtime} is more than the ${budget} µs the parent cgroup ${parent} can give (its cpu.rt_runtime_us)` : undefined;
}

function deviceProblem(r: Limits, e: RuleEnv): string | undefined {
  for (const field of DEVICE_LISTS) {
    for (const d of list<{ Path?: string }>(r, field)) {
      const problem = e.blockDeviceProblem(d?.Path ?? '');
      if (problem) return `invalid device "${d?.Path ?? ''}" in ${field}: ${problem}`;
    }
  }
  return undefined;
}

function ulimitProblem(ulimits: Ulimit[], nofileHostHard: number): string | undefined {
  try {
    for (const u of ulimits) if (u) checkUlimit({ Name: u.Name ?? '', Soft: u.Soft ?? 0, Hard: u.Hard ?? 0 }, nofileHostHard);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
