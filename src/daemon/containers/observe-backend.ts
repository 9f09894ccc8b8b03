// The observe router's backend: top (ps narrowed to the container's cgroup) and stats (the
// container's cgroup counters, sampled now or once a second). A running or paused container is
// observed; any other state reads as zeros for stats and as a conflict for top, as in dockerd.
import type { ContainerObserveBackend, StatsObject, StatsRequest } from '../../api/routers/container-observe.ts';
import { type ContainerRow, hasProcess } from '../../store/containers.ts';
import type { Lifecycle } from './lifecycle.ts';
import { conflict } from '../../api/types/errors.ts';
import { cgroupExists, cgroupPids, locateCgroup, machineMemory, sampleCgroup, systemCpu, type CgroupLocation } from '../../runtime/cgroups/index.ts';
import { containerTop, validatePsArgs } from './container-top.ts';
import { rfc3339Nano, statsObject, zeroStats } from './stats-view.ts';
import { sandboxCounters } from './net-stats.ts';
import { inUserNamespace } from '../../lib/userns.ts';
import { pidNamespaceMembers } from '../../lib/proc.ts';

/** The container's network endpoints (eth0...) with their veth's host end. */
export type SandboxInterfaces = (c: ContainerRow) => readonly { ifName: string; hostIf: string }[];

/** dockerd's stats collector samples once a second. */
export const STATS_INTERVAL_MS = 1000;

const observable = (c: ContainerRow) => hasProcess(c.status);

/** The container's own cgroup. In a user namespace (rootless) the runtime makes none: the
 * process sits in berthd's, whose counters (the whole session's, or the host's) are not the
 * container's — stats read as zeros there, as for a container without a cgroup. */
function ownCgroup(pid: number): CgroupLocation | undefined {
  return inUserNamespace() ? undefined : locateCgroup(pid);
}

export function observeBackend(lc: Lifecycle, interfaces: SandboxInterfaces): ContainerObserveBackend {
  const svc = lc.deps.svc;
  return {
    async top(idOrName, psArgs) {
      validatePsArgs(psArgs);
      const c = svc.resolve(idOrName);
      if (c.status === 'restarting') throw conflict(`Container ${c.id} is restarting, wait until the container is running`);
      if (!observable(c)) throw conflict(`container ${c.id} is not running`);
      const loc = ownCgroup(c.pid);
      // The cgroup is the cheap answer; runc knows the pids too when the cgroup cannot be found.
      // Rootless, a container has no cgroup (and runc none to ask): its pid namespace says.
      const pids = loc ? cgroupPids(loc) : inUserNamespace() ? pidNamespaceMembers(c.pid) : await lc.deps.runtime.ps(c.id);
      const result = await containerTop(psArgs, pids);
      svc.emit(c, 'top');
      return result;
    },
    async stats(idOrName, req) {
      const c = svc.resolve(idOrName);
      return samples(c.id, req, (id) => svc.deps.table.get(id), interfaces);
    },
  };
}

/** One container's samples: the cgroup is located once per run (its init pid). */
class Sampler {
  readonly #interfaces: SandboxInterfaces;
  #pid = 0;

  constructor(interfaces: SandboxInterfaces) {
    this.#interfaces = interfaces;
  }

  #loc: CgroupLocation | undefined;

  take(c: ContainerRow): StatsObject {
    if (!observable(c)) return zeroStats(c.id, c.name);
    if (c.pid !== this.#pid) {
      this.#pid = c.pid;
      this.#loc = ownCgroup(c.pid);
    }
    const loc = this.#loc;
    // A run that just ended reads as stopped, as dockerd's "no task" does.
    if (!loc || !cgroupExists(loc)) return zeroStats(c.id, c.name);
    const cgroup = sampleCgroup(loc);
    const read = rfc3339Nano(nowNs());
    const { systemNs, onlineCpus } = systemCpu();
    const networks = sandboxCounters(c.pid, this.#interfaces(c));
    return statsObject(cgroup, { id: c.id, name: c.name, read, systemNs, onlineCpus, machineMemory: machineMemory(), ...(networks && { networks }) });
  }
}

async function* samples(id: string, req: StatsRequest, current: (id: string) => ContainerRow | undefined, interfaces: SandboxInterfaces): AsyncGenerator<StatsObject> {
  const sampler = new Sampler(interfaces);
  const wait = () => sleep(STATS_INTERVAL_MS, req.signal).then(() => true, () => false);
  let row = current(id);
  if (!row) return;
  if (!req.stream) {
    if (!observable(row) || req.oneShot) return yield sampler.take(row);
    // Two samples a second apart, so the answer carries a CPU delta (precpu_stats).
    const first = sampler.take(row);
    if (!(await wait())) return;
    return yield withPrevious(sampler.take(current(id) ?? row), first);
  }
  // A stream goes on while the container exists, zeros while it is stopped, as dockerd's does.
  let previous: StatsObject | undefined;
  for (; row; row = current(id)) {
    const sample = sampler.take(row);
    yield previous ? withPrevious(sample, previous) : sample;
    previous = sample;
    if (!(await wait())) return;
  }
}

function withPrevious(sample: StatsObject, previous: StatsObject): StatsObject {
  return { ...sample, preread: previous.read, precpu_stats: previous.cpu_stats };
}

const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;

/** node:timers/promises at its first use: imported, it would load into every start (issue 12). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> => process.getBuiltinModule('node:timers/promises').setTimeout(ms, undefined, { signal });
