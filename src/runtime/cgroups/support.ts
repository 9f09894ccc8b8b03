// Which cgroup limits this host can apply, read as dockerd's pkg/sysinfo reads them: on v1 a
// controller counts when its hierarchy is mounted and the file of the limit exists at its root;
// on v2 when the controller is enabled at the root (swap when the daemon's own cgroup has
// memory.swap.max), and v2 has no swappiness, OOM-killer switch or real-time budget. Create and
// update check a container's limits against this: what the host lacks is dropped with dockerd's
// warning rather than failing in runc at start.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface ResourceSupport {
  cgroupV2: boolean;
  memoryLimit: boolean;
  swapLimit: boolean;
  memoryReservation: boolean;
  memorySwappiness: boolean;
  oomKillDisable: boolean;
  pidsLimit: boolean;
  cpuShares: boolean;
  cpuCfs: boolean;
  cpuRealtime: boolean;
  cpuset: boolean;
  blkioWeight: boolean;
  blkioWeightDevice: boolean;
  blkioReadBps: boolean;
  blkioWriteBps: boolean;
  blkioReadIOps: boolean;
  blkioWriteIOps: boolean;
  /** The CPUs and memory nodes containers may be given ("0-1", "0"). */
  cpus: string;
  mems: string;
  /** CPUs this process may run on (Go's runtime.NumCPU, which dockerd's --cpus range uses). */
  numCpu: number;
}

const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
};

export function detectSupport(root = '/sys/fs/cgroup'): ResourceSupport {
  return existsSync(join(root, 'memory')) || !existsSync(join(root, 'cgroup.controllers')) ? v1Support(root) : v2Support(root);
}

function v1Support(root: string): ResourceSupport {
  const has = (ctrl: string, file = '') => existsSync(join(root, ctrl, file));
  return {
    cgroupV2: false,
    memoryLimit: has('memory'),
    swapLimit: has('memory', 'memory.memsw.limit_in_bytes'),
    memoryReservation: has('memory', 'memory.soft_limit_in_bytes'),
    memorySwappiness: has('memory', 'memory.swappiness'),
    oomKillDisable: has('memory', 'memory.oom_control'),
    pidsLimit: has('pids'),
    cpuShares: has('cpu', 'cpu.shares'),
    cpuCfs: has('cpu', 'cpu.cfs_quota_us'),
    cpuRealtime: has('cpu', 'cpu.rt_period_us') && has('cpu', 'cpu.rt_runtime_us'),
    cpuset: has('cpuset'),
    blkioWeight: has('blkio', 'blkio.weight'),
    blkioWeightDevice: has('blkio', 'blkio.weight_device'),
    blkioReadBps: has('blkio', 'blkio.throttle.read_bps_device'),
    blkioWriteBps: has('blkio', 'blkio.throttle.write_bps_device'),
    blkioReadIOps: has('blkio', 'blkio.throttle.read_iops_device'),
    blkioWriteIOps: has('blkio', 'blkio.throttle.write_iops_device'),
    cpus: read(join(root, 'cpuset', 'cpuset.cpus')),
    mems: read(join(root, 'cpuset', 'cpuset.mems')),
    numCpu: availableParallelism(),
  };
}

function v2Support(root: string): ResourceSupport {
  const enabled = new Set(read(join(root, 'cgroup.controllers')).split(/\s+/));
  const own = /^0::(.*)$/m.exec(read('/proc/self/cgroup'))?.[1] ?? '/';
  const memory = enabled.has('memory');
  const io = enabled.has('io');
  const cpu = enabled.has('cpu');
  return {
    cgroupV2: true,
    memoryLimit: memory,
    swapLimit: memory && existsSync(join(root, own, 'memory.swap.max')),
    memoryReservation: memory,
    memorySwappiness: false,
    oomKillDisable: false,
    pidsLimit: enabled.has('pids'),
    cpuShares: cpu,
    cpuCfs: cpu,
    cpuRealtime: false,
    cpuset: enabled.has('cpuset'),
    blkioWeight: io,
    blkioWeightDevice: io,
    blkioReadBps: io,
    blkioWriteBps: io,
    blkioReadIOps: io,
    blkioWriteIOps: io,
    cpus: read(join(root, 'cpuset.cpus.effective')),
    mems: read(join(root, 'cpuset.mems.effective')),
    numCpu: availableParallelism(),
  };
}

let cached: ResourceSupport | undefined;
/** This host's support, read once: none of it changes while the daemon runs. */
export function resourceSupport(): ResourceSupport {
  cached ??= detectSupport();
  return cached;
}

/**
 * The real-time runtime (µs per period) a container under `parent` can be given on v1: what the
 * parent cgroup has (a new cgroup has none, so neither has a parent runc will make). dockerd's
 * --cpu-rt-runtime gives its parent a budget; berthd has no such option yet.
 */
export function realtimeBudget(parent: string, root = '/sys/fs/cgroup'): number {
  const text = read(join(root, 'cpu', parent, 'cpu.rt_runtime_us'));
  return /^\d+$/.test(text) ? Number(text) : 0;
}
