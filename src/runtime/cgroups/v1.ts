// cgroup v1: one directory per controller. Counters as containerd's cgroup1 metrics collect them
// and dockerd copies them into its stats: cpuacct for usage, cpu for throttling, memory, pids,
// and blkio (CFQ/BFQ's *_recursive lists when they hold anything, else the throttle counters).
import { parseKeyValues, parseUint, parseUintList, pickKeys, readCgroupFile } from './parse.ts';
import type { BlkioEntry, BlkioList, BlkioUsage, CgroupSample, CpuUsage, FileReader, MemoryUsage, PidsUsage } from './types.ts';

export interface V1Dirs {
  cpu?: string;
  cpuacct?: string;
  memory?: string;
  pids?: string;
  blkio?: string;
}

/** USER_HZ: cpuacct.stat counts in clock ticks, which are 100 per second on Linux. */
const TICKS_PER_SECOND = 100n;
const NS_PER_SECOND = 1_000_000_000n;

/** The keys of memory.stat that dockerd reports on a v1 host. */
export const MEMORY_KEYS_V1 = [
  'cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault',
  'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'hierarchical_memory_limit',
  'hierarchical_memsw_limit', 'total_cache', 'total_rss', 'total_rss_huge', 'total_mapped_file', 'total_dirty',
  'total_writeback', 'total_pgpgin', 'total_pgpgout', 'total_pgfault', 'total_pgmajfault', 'total_inactive_anon',
  'total_active_anon', 'total_inactive_file', 'total_active_file', 'total_unevictable',
] as const;

export function readV1(dirs: V1Dirs, read: FileReader = readCgroupFile): CgroupSample {
  const sample: CgroupSample = { version: 1 };
  const cpu = cpuV1(dirs, read);
  const memory = dirs.memory === undefined ? undefined : memoryV1(dirs.memory, read);
  const pids = dirs.pids === undefined ? undefined : pidsV1(dirs.pids, read);
  const blkio = dirs.blkio === undefined ? undefined : blkioV1(dirs.blkio, read);
  return { ...sample, ...(cpu && { cpu }), ...(memory && { memory }), ...(pids && { pids }), ...(blkio && { blkio }) };
}

// v1 files say "max" only for pids.max; containerd reads it as 0 ("no limit") there.
const uint = (text: string | undefined): bigint => parseUint(text, 0n) ?? 0n;

function cpuV1(dirs: V1Dirs, read: FileReader): CpuUsage | undefined {
  const total = dirs.cpuacct === undefined ? undefined : parseUint(read(`${dirs.cpuacct}/cpuacct.usage`), 0n);
  const throttling = dirs.cpu === undefined ? undefined : read(`${dirs.cpu}/cpu.stat`);
  if (total === undefined && throttling === undefined) return undefined;
  const ticks = parseKeyValues(dirs.cpuacct === undefined ? undefined : read(`${dirs.cpuacct}/cpuacct.stat`));
  const t = parseKeyValues(throttling);
  const perCpu = dirs.cpuacct === undefined ? [] : parseUintList(read(`${dirs.cpuacct}/cpuacct.usage_percpu`));
  return {
    totalNs: total ?? 0n,
    ...(perCpu.length > 0 && { perCpuNs: perCpu }),
    kernelNs: ((ticks.get('system') ?? 0n) * NS_PER_SECOND) / TICKS_PER_SECOND,
    userNs: ((ticks.get('user') ?? 0n) * NS_PER_SECOND) / TICKS_PER_SECOND,
    periods: t.get('nr_periods') ?? 0n,
    throttledPeriods: t.get('nr_throttled') ?? 0n,
    throttledNs: t.get('throttled_time') ?? 0n,
  };
}

function memoryV1(dir: string, read: FileReader): MemoryUsage | undefined {
  const stat = read(`${dir}/memory.stat`);
  if (stat === undefined) return undefined;
  return {
    usage: uint(read(`${dir}/memory.usage_in_bytes`)),
    maxUsage: uint(read(`${dir}/memory.max_usage_in_bytes`)),
    failcnt: uint(read(`${dir}/memory.failcnt`)),
    limit: uint(read(`${dir}/memory.limit_in_bytes`)),
    stats: pickKeys(parseKeyValues(stat), MEMORY_KEYS_V1),
  };
}

function pidsV1(dir: string, read: FileReader): PidsUsage | undefined {
  const current = read(`${dir}/pids.current`);
  if (current === undefined) return undefined;
  return { current: uint(current), limit: uint(read(`${dir}/pids.max`)) };
}

const RECURSIVE: [BlkioList, string][] = [
  ['sectors', 'sectors_recursive'], ['serviceBytes', 'io_service_bytes_recursive'], ['serviced', 'io_serviced_recursive'],
  ['queued', 'io_queued_recursive'], ['serviceTime', 'io_service_time_recursive'], ['waitTime', 'io_wait_time_recursive'],
  ['merged', 'io_merged_recursive'], ['time', 'time_recursive'],
];

/** Every list is present (possibly empty): dockerd always copies all eight on v1. */
function blkioV1(dir: string, read: FileReader): BlkioUsage {
  const out: Required<BlkioUsage> = { serviceBytes: [], serviced: [], queued: [], serviceTime: [], waitTime: [], merged: [], time: [], sectors: [] };
  // The scheduler's own counters exist only under CFQ/BFQ-era kernels, and a cgroup whose
  // devices use another scheduler leaves them empty: then the throttle counters are the truth.
  if (read(`${dir}/blkio.io_serviced_recursive`) !== undefined) {
    for (const [list, file] of RECURSIVE) out[list] = parseBlkio(read(`${dir}/blkio.${file}`));
    if (RECURSIVE.some(([list]) => out[list].length > 0)) return out;
  }
  out.serviced = parseBlkio(read(`${dir}/blkio.throttle.io_serviced`));
  out.serviceBytes = parseBlkio(read(`${dir}/blkio.throttle.io_service_bytes`));
  return out;
}

/** "8:0 Read 4096" or "8:0 4096" lines; the closing "Total N" line is not a device. */
export function parseBlkio(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(/[ :]+/).filter(Boolean);
    if (f.length < 3 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!)) continue;
    const value = parseUint(f.length === 4 ? f[3] : f[2], 0n);
    if (value === undefined) continue;
    out.push({ major: BigInt(f[0]!), minor: BigInt(f[1]!), op: f.length === 4 ? f[2]! : '', value });
  }
  return out;
}
