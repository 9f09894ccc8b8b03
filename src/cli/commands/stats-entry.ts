// One line of `docker stats`: the figures docker's CLI computes from a stats object (CPU % from
// the cpu/precpu deltas, memory without the inactive page cache, block and network totals) and
// the row its --format templates see (.ID, .Name, .CPUPerc, .MemUsage, ...).
import type { ContainerStats, CpuStats } from '../../client/containers-api.ts';
import { bytesSize, humanSize, truncateId } from '../output.ts';

export interface StatsEntry {
  name: string;
  id: string;
  cpuPercent: number;
  memory: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export const STATS_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
export const STATS_HEADERS = {
  Container: 'CONTAINER', Name: 'NAME', ID: 'CONTAINER ID', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

/** (container CPU delta / host CPU delta) × CPUs × 100, zero unless both deltas are positive. */
export function cpuPercent(previous: CpuStats, current: CpuStats): number {
  const cpuDelta = current.cpu_usage.total_usage - previous.cpu_usage.total_usage;
  const systemDelta = (current.system_cpu_usage ?? 0) - (previous.system_cpu_usage ?? 0);
  const cpus = current.online_cpus || (current.cpu_usage.percpu_usage?.length ?? 0);
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** Usage minus the inactive file cache: total_inactive_file on cgroup v1, inactive_file on v2. */
export function memoryUsage(mem: ContainerStats['memory_stats']): number {
  const usage = mem.usage ?? 0;
  const v1 = mem.stats?.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = mem.stats?.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

export function entryOf(v: ContainerStats): StatsEntry {
  const memory = memoryUsage(v.memory_stats);
  const limit = v.memory_stats.limit ?? 0;
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of v.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (/^r/i.test(e.op)) blockRead += e.value;
    else if (/^w/i.test(e.op)) blockWrite += e.value;
  }
  const nets = Object.values(v.networks ?? {});
  return {
    name: v.name ?? '',
    id: v.id ?? '',
    cpuPercent: cpuPercent(v.precpu_stats, v.cpu_stats),
    memory,
    memoryLimit: limit,
    memoryPercent: limit !== 0 ? (memory / limit) * 100 : 0,
    netRx: nets.reduce((n, i) => n + i.rx_bytes, 0),
    netTx: nets.reduce((n, i) => n + i.tx_bytes, 0),
    blockRead,
    blockWrite,
    pids: v.pids_stats?.current ?? 0,
  };
}

export const emptyEntry = (): StatsEntry => ({ name: '', id: '', cpuPercent: 0, memory: 0, memoryLimit: 0, memoryPercent: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 0 });

const NO_VALUE = '--';
const percent = (v: number): string => `${v.toFixed(2)}%`;

/** The template row; a container whose stats failed or timed out shows "--". */
export class StatsRow {
  readonly #e: StatsEntry;
  readonly #container: string;
  readonly #invalid: boolean;
  readonly #trunc: boolean;
  constructor(container: string, e: StatsEntry, invalid: boolean, trunc: boolean) {
    this.#container = container;
    this.#e = e;
    this.#invalid = invalid;
    this.#trunc = trunc;
  }
  get Container(): string { return this.#container; }
  get Name(): string { return this.#e.name.length > 1 ? this.#e.name.slice(1) : NO_VALUE; }
  get ID(): string { return this.#trunc ? truncateId(this.#e.id) : this.#e.id; }
  get CPUPerc(): string { return this.#invalid ? NO_VALUE : percent(this.#e.cpuPercent); }
  get MemUsage(): string { return this.#invalid ? '-- / --' : `${bytesSize(this.#e.memory)} / ${bytesSize(this.#e.memoryLimit)}`; }
  get MemPerc(): string { return this.#invalid ? NO_VALUE : percent(this.#e.memoryPercent); }
  get NetIO(): string { return this.#invalid ? NO_VALUE : `${humanSize(this.#e.netRx)} / ${humanSize(this.#e.netTx)}`; }
  get BlockIO(): string { return this.#invalid ? NO_VALUE : `${humanSize(this.#e.blockRead)} / ${humanSize(this.#e.blockWrite)}`; }
  get PIDs(): string { return this.#invalid ? NO_VALUE : String(this.#e.pids); }
}
