// The limits a rootless berthd cannot enforce (system/rootless-limits.ts), dropped from a
// create's, an update's or a start's HostConfig with one warning that names them by their docker
// flags. Runs after the rules of resource-rules.ts, so a value those refuse is refused here as
// in a rootful daemon: only what would be applied is dropped.
import type { RootlessLimits } from '../system/rootless-limits.ts';
import type { Limits } from './resource-rules.ts';

interface Droppable {
  flag: string;
  controller: 'memory' | 'cpu' | 'cpuset' | 'pids' | 'io';
  /** Whether the field asks for a limit (a value that means "none" asks for nothing). */
  asks: (v: unknown) => boolean;
  /** The field's value when no limit is set. */
  none: unknown;
}

const positive = (v: unknown) => typeof v === 'number' && v > 0;
const nonZero = (v: unknown) => typeof v === 'number' && v !== 0;
const nonEmpty = (v: unknown) => (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0);

const FIELDS: Record<string, Droppable> = {
  Memory: { flag: '--memory', controller: 'memory', asks: positive, none: 0 },
  MemorySwap: { flag: '--memory-swap', controller: 'memory', asks: positive, none: -1 },
  MemoryReservation: { flag: '--memory-reservation', controller: 'memory', asks: positive, none: 0 },
  MemorySwappiness: { flag: '--memory-swappiness', controller: 'memory', asks: (v) => typeof v === 'number' && v >= 0, none: null },
  OomKillDisable: { flag: '--oom-kill-disable', controller: 'memory', asks: (v) => v === true, none: null },
  PidsLimit: { flag: '--pids-limit', controller: 'pids', asks: positive, none: null },
  CpuShares: { flag: '--cpu-shares', controller: 'cpu', asks: positive, none: 0 },
  NanoCpus: { flag: '--cpus', controller: 'cpu', asks: positive, none: 0 },
  CpuPeriod: { flag: '--cpu-period', controller: 'cpu', asks: nonZero, none: 0 },
  CpuQuota: { flag: '--cpu-quota', controller: 'cpu', asks: nonZero, none: 0 },
  CpuRealtimePeriod: { flag: '--cpu-rt-period', controller: 'cpu', asks: nonZero, none: 0 },
  CpuRealtimeRuntime: { flag: '--cpu-rt-runtime', controller: 'cpu', asks: nonZero, none: 0 },
  CpusetCpus: { flag: '--cpuset-cpus', controller: 'cpuset', asks: nonEmpty, none: '' },
  CpusetMems: { flag: '--cpuset-mems', controller: 'cpuset', asks: nonEmpty, none: '' },
  BlkioWeight: { flag: '--blkio-weight', controller: 'io', asks: positive, none: 0 },
  BlkioWeightDevice: { flag: '--blkio-weight-device', controller: 'io', asks: nonEmpty, none: [] },
  BlkioDeviceReadBps: { flag: '--device-read-bps', controller: 'io', asks: nonEmpty, none: [] },
  BlkioDeviceWriteBps: { flag: '--device-write-bps', controller: 'io', asks: nonEmpty, none: [] },
  BlkioDeviceReadIOps: { flag: '--device-read-iops', controller: 'io', asks: nonEmpty, none: [] },
  BlkioDeviceWriteIOps: { flag: '--device-write-iops', controller: 'io', asks: nonEmpty, none: [] },
};

/** Drops from `r` what `rl` cannot enforce; the warning (none when nothing was asked). */
export function dropUnenforceable(r: Limits, rl: RootlessLimits | undefined): string[] {
  if (!rl) return [];
  const dropped: string[] = [];
  const missing = new Set<string>();
  for (const [field, d] of Object.entries(FIELDS)) {
    if (!d.asks(r[field])) continue;
    if (!rl.problem && rl.controllers.includes(d.controller)) continue;
    // A swap limit goes with the memory limit: one flag in the warning is enough.
    if (!(field === 'MemorySwap' && dropped.includes('--memory'))) dropped.push(d.flag);
    missing.add(d.controller);
    r[field] = structuredClone(d.none);
  }
  if (dropped.length === 0) return [];
  const why = rl.problem ?? `the ${[...missing].join(', ')} cgroup controller${missing.size > 1 ? 's are' : ' is'} not delegated to this rootless berthd`;
  return [`${why}: ${dropped.join(', ')} discarded, the container runs without ${dropped.length > 1 ? 'these limits' : 'this limit'}.`];
}
