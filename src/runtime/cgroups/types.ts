// One sample of a container's cgroup counters, whichever cgroup version the host runs. Values
// are bigints: nanosecond and byte counters outgrow 2^53, and "max" limits are 2^64-1.

export interface CpuUsage {
  totalNs: bigint;
  /** Per-CPU usage: cgroup v1 only (cpuacct.usage_percpu). */
  perCpuNs?: bigint[];
  kernelNs: bigint;
  userNs: bigint;
  periods: bigint;
  throttledPeriods: bigint;
  throttledNs: bigint;
}

export interface MemoryUsage {
  usage: bigint;
  /** cgroup v1 only. */
  maxUsage?: bigint;
  /** v1: memory.failcnt; v2: the oom count of memory.events (when the file exists). */
  failcnt?: bigint;
  limit: bigint;
  /** Docker's `memory_stats.stats`: a fixed set of keys per cgroup version, 0 when absent. */
  stats: Record<string, bigint>;
}

export interface PidsUsage {
  current: bigint;
  limit: bigint;
}

export interface BlkioEntry {
  major: bigint;
  minor: bigint;
  op: string;
  value: bigint;
}

/** Docker's blkio lists; v2 fills only serviceBytes (io.stat's rbytes/wbytes). */
export type BlkioList = 'serviceBytes' | 'serviced' | 'queued' | 'serviceTime' | 'waitTime' | 'merged' | 'time' | 'sectors';
export type BlkioUsage = Partial<Record<BlkioList, BlkioEntry[]>>;

export interface CgroupSample {
  version: 1 | 2;
  cpu?: CpuUsage;
  memory?: MemoryUsage;
  pids?: PidsUsage;
  blkio?: BlkioUsage;
}

/** Reads a file's text, or undefined when it does not exist (a controller not mounted/enabled). */
export type FileReader = (path: string) => string | undefined;

export const U64_MAX = 2n ** 64n - 1n;
