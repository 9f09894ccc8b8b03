// Stats objects in dockerd's wire shape, from a cgroup sample. Field order and omissions follow
// dockerd's JSON encoding: zero numbers tagged omitempty vanish, nested structs never do, and a
// container that is not running reads as all zeros with a zero time.
import type { BlkioEntry, BlkioList, CgroupSample } from '../../runtime/cgroups/index.ts';
import type { StatsObject } from '../../api/routers/container-observe.ts';

/** Go's zero time.Time, which is what dockerd sends for "no sample". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface NetworkCounters {
  rx_bytes: bigint; rx_packets: bigint; rx_errors: bigint; rx_dropped: bigint;
  tx_bytes: bigint; tx_packets: bigint; tx_errors: bigint; tx_dropped: bigint;
}

export interface SampleContext {
  id: string;
  /** With the leading slash, as dockerd sends it. */
  name: string;
  read: string;
  systemNs: bigint;
  onlineCpus: number;
  machineMemory: bigint;
  networks?: Record<string, NetworkCounters>;
}

const BLKIO_FIELDS: [string, BlkioList][] = [
  ['io_service_bytes_recursive', 'serviceBytes'], ['io_serviced_recursive', 'serviced'], ['io_queue_recursive', 'queued'],
  ['io_service_time_recursive', 'serviceTime'], ['io_wait_time_recursive', 'waitTime'], ['io_merged_recursive', 'merged'],
  ['io_time_recursive', 'time'], ['sectors_recursive', 'sectors'],
];

/** Only the fields whose value is not zero (Go's omitempty). */
function nonZero(fields: Record<string, bigint | number | object | undefined>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== 0n && v !== 0));
}

export function emptyCpuStats(): Record<string, unknown> {
  return { cpu_usage: { total_usage: 0n, usage_in_kernelmode: 0n, usage_in_usermode: 0n }, throttling_data: { periods: 0n, throttled_periods: 0n, throttled_time: 0n } };
}

/** What dockerd answers for a container with no running task. */
export function zeroStats(id: string, name: string): StatsObject {
  return {
    id, name, os_type: 'linux', read: ZERO_TIME, cpu_stats: emptyCpuStats(), memory_stats: {}, pids_stats: {},
    blkio_stats: Object.fromEntries(BLKIO_FIELDS.map(([field]) => [field, null])), num_procs: 0, storage_stats: {},
    preread: ZERO_TIME, precpu_stats: emptyCpuStats(),
  };
}

export function statsObject(s: CgroupSample, ctx: SampleContext): StatsObject {
  const cpu = s.cpu;
  const cpuStats = {
    cpu_usage: {
      total_usage: cpu?.totalNs ?? 0n,
      ...(cpu?.perCpuNs && { percpu_usage: cpu.perCpuNs }),
      usage_in_kernelmode: cpu?.kernelNs ?? 0n,
      usage_in_usermode: cpu?.userNs ?? 0n,
    },
    ...nonZero({ system_cpu_usage: ctx.systemNs, online_cpus: ctx.onlineCpus }),
    throttling_data: { periods: cpu?.periods ?? 0n, throttled_periods: cpu?.throttledPeriods ?? 0n, throttled_time: cpu?.throttledNs ?? 0n },
  };
  const m = s.memory;
  // An unlimited container reports the machine's memory as its limit, as dockerd does.
  const limit = m && ctx.machineMemory > 0n && m.limit > ctx.machineMemory ? ctx.machineMemory : m?.limit;
  const memoryStats = m ? nonZero({ usage: m.usage, max_usage: m.maxUsage, stats: m.stats, failcnt: m.failcnt, limit }) : {};
  const blkio = s.blkio ?? {};
  return {
    id: ctx.id,
    name: ctx.name,
    os_type: 'linux',
    read: ctx.read,
    cpu_stats: cpuStats,
    memory_stats: memoryStats,
    ...(ctx.networks && Object.keys(ctx.networks).length > 0 && { networks: ctx.networks }),
    pids_stats: s.pids ? nonZero({ current: s.pids.current, limit: s.pids.limit }) : {},
    blkio_stats: Object.fromEntries(BLKIO_FIELDS.map(([field, list]) => [field, blkio[list]?.map(entry) ?? null])),
    num_procs: 0,
    storage_stats: {},
    preread: ZERO_TIME,
    precpu_stats: emptyCpuStats(),
  };
}

const entry = (e: BlkioEntry) => ({ major: e.major, minor: e.minor, op: e.op, value: e.value });

/** RFC 3339 with nanoseconds, trailing zeros dropped, as Go's time.Time marshals in UTC. */
export function rfc3339Nano(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return new Date(Number(sec) * 1000).toISOString().replace(/\.\d{3}Z$/, frac ? `.${frac}Z` : 'Z');
}
