// cgroup v2: one directory with every enabled controller's files. Counters as containerd's
// cgroup2 metrics collect them and dockerd copies them: cpu.stat in microseconds (reported in
// nanoseconds), memory.current/max/stat/events, pids, and io.stat per device.
import { parseKeyValues, parseUint, pickKeys, readCgroupFile } from './parse.ts';
import { U64_MAX, type BlkioEntry, type CgroupSample, type CpuUsage, type FileReader, type MemoryUsage, type PidsUsage } from './types.ts';

/** The keys of memory.stat that dockerd reports on a v2 host. */
export const MEMORY_KEYS_V2 = [
  'anon', 'file', 'kernel_stack', 'slab', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback', 'anon_thp',
  'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'slab_reclaimable', 'slab_unreclaimable',
  'pgfault', 'pgmajfault', 'workingset_refault', 'workingset_activate', 'workingset_nodereclaim', 'pgrefill', 'pgscan',
  'pgsteal', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pglazyfreed', 'thp_fault_alloc', 'thp_collapse_alloc',
] as const;

/** A missing controller file reads as zeros (containerd's behaviour), so every section is present. */
export function readV2(dir: string, read: FileReader = readCgroupFile): CgroupSample {
  const io = parseIoStat(read(`${dir}/io.stat`));
  return {
    version: 2,
    cpu: cpuV2(read(`${dir}/cpu.stat`)),
    memory: memoryV2(dir, read),
    pids: pidsV2(dir, read),
    blkio: io.length > 0 ? { serviceBytes: io } : {},
  };
}

// "max" in a v2 limit file means no limit; containerd reports it as the largest uint64.
const uintV2 = (text: string | undefined): bigint => parseUint(text, U64_MAX) ?? 0n;
const US = 1000n;

function cpuV2(text: string | undefined): CpuUsage {
  const s = parseKeyValues(text);
  const get = (k: string) => s.get(k) ?? 0n;
  return {
    totalNs: get('usage_usec') * US,
    kernelNs: get('system_usec') * US,
    userNs: get('user_usec') * US,
    periods: get('nr_periods'),
    throttledPeriods: get('nr_throttled'),
    throttledNs: get('throttled_usec') * US,
  };
}

function memoryV2(dir: string, read: FileReader): MemoryUsage {
  const stat = read(`${dir}/memory.stat`);
  if (stat === undefined) return { usage: 0n, limit: 0n, stats: pickKeys(new Map(), MEMORY_KEYS_V2) };
  const events = parseKeyValues(read(`${dir}/memory.events`));
  return {
    usage: uintV2(read(`${dir}/memory.current`)),
    limit: uintV2(read(`${dir}/memory.max`)),
    // dockerd's failcnt on v2 is the number of OOM events.
    ...(events.size > 0 && { failcnt: events.get('oom') ?? 0n }),
    stats: pickKeys(parseKeyValues(stat), MEMORY_KEYS_V2),
  };
}

function pidsV2(dir: string, read: FileReader): PidsUsage {
  return { current: uintV2(read(`${dir}/pids.current`)), limit: uintV2(read(`${dir}/pids.max`)) };
}

/** io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device, as read/write entries. */
export function parseIoStat(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...pairs] = line.trim().split(' ');
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m || pairs.length === 0) continue;
    const kv = new Map(pairs.map((p) => p.split('=') as [string, string]));
    const major = BigInt(m[1]!);
    const minor = BigInt(m[2]!);
    out.push({ major, minor, op: 'read', value: parseUint(kv.get('rbytes'), 0n) ?? 0n });
    out.push({ major, minor, op: 'write', value: parseUint(kv.get('wbytes'), 0n) ?? 0n });
  }
  return out;
}
