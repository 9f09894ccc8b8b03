// Host-wide figures that go with every sample: the machine's CPU time and CPU count from
// /proc/stat (dockerd's system_cpu_usage and online_cpus), and its memory from /proc/meminfo
// (dockerd caps a container's unlimited memory limit at it).
import { readFileSync } from 'node:fs';

const NS_PER_TICK = 10_000_000n; // USER_HZ is 100 on Linux

/**
 * The "cpu" line's first seven fields (user nice system idle iowait irq softirq) in ns, and
 * how many "cpuN" lines follow: the online CPUs. Like glibc and dockerd, only the cpu lines at
 * the start of the file are looked at.
 */
export function parseProcStat(text: string): { systemNs: bigint; onlineCpus: number } {
  let systemNs = 0n;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) break;
    if (line[3] === ' ') {
      const fields = line.trim().split(/\s+/).slice(1, 8);
      systemNs = fields.reduce((sum, f) => sum + BigInt(/^\d+$/.test(f) ? f : 0), 0n) * NS_PER_TICK;
    } else if (/^\d$/.test(line[3] ?? '')) onlineCpus++;
  }
  return { systemNs, onlineCpus };
}

export function systemCpu(path = '/proc/stat'): { systemNs: bigint; onlineCpus: number } {
  return parseProcStat(readFileSync(path, 'utf8'));
}

/** MemTotal in bytes, or 0 when it cannot be read. */
export function parseMemTotal(meminfo: string): bigint {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(meminfo);
  return m ? BigInt(m[1]!) * 1024n : 0n;
}

let machineMemoryCache: bigint | undefined;
export function machineMemory(): bigint {
  if (machineMemoryCache === undefined) {
    try {
      machineMemoryCache = parseMemTotal(readFileSync('/proc/meminfo', 'utf8'));
    } catch {
      machineMemoryCache = 0n;
    }
  }
  return machineMemoryCache;
}
