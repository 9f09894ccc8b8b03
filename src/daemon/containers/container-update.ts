// POST /containers/{id}/update: new cgroup limits and restart policy. The request is checked as
// dockerd checks it (Go's decoding of UpdateConfig, then the limit rules on the request alone),
// then, as in dockerd, only the fields it sets (non-zero, non-empty) change; the merged limits
// are checked as a create's would be, so nothing runc or the kernel would refuse reaches
// `runc update` or the store.
import type { Lifecycle } from './lifecycle.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import { hasProcess } from '../../store/containers.ts';
import { cgroupResources } from '../../runtime/spec/resources.ts';
import { hostInfo } from '../../runtime/spec/index.ts';
import { BerthError, conflict } from '../../api/types/errors.ts';
import { restartPolicyOf } from './restart-policy.ts';
import { applyRules, checkUpdateBody, hostRuleEnv } from './host-config-check.ts';
import type { RequestGuard } from '../../authz/guard.ts';

const RESOURCE_FIELDS = [
  'Memory', 'MemorySwap', 'MemoryReservation', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'NanoCpus',
  'CpusetCpus', 'CpusetMems', 'BlkioWeight', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'MemorySwappiness', 'OomKillDisable',
] as const;

const isSet = (v: unknown) => v !== undefined && v !== null && v !== 0 && v !== '';
const positive = (v: unknown) => typeof v === 'number' && v > 0;

/** `guard`: the request's authorization (a policy is active), asked about the limits as merged. */
export async function updateContainer(lc: Lifecycle, idOrName: string, body: unknown, guard?: RequestGuard): Promise<{ Warnings: string[] }> {
  const svc = lc.deps.svc;
  const c = svc.resolve(idOrName);
  if (c.status === 'removing' || c.status === 'dead') throw conflict(`Cannot update container ${c.id}: container is marked for removal and cannot be "update"`);
  const { request: req, warnings } = checkUpdateBody(body);
  const current = c.hostConfig;
  const refuse = cpuConflict(req, current) ?? memoryConflict(req, current);
  if (refuse) throw conflict(`Cannot update container ${c.id}: ${refuse}`);
  const hc: Record<string, unknown> = { ...current };
  for (const f of RESOURCE_FIELDS) if (isSet(req[f])) hc[f] = req[f];
  // What is left of the other kind of CPU limit after cpuConflict is not a limit (0 or -1).
  if (isSet(req.NanoCpus)) {
    delete hc.CpuQuota;
    delete hc.CpuPeriod;
  } else if (isSet(req.CpuQuota) || isSet(req.CpuPeriod)) delete hc.NanoCpus;
  // 0 and negative values set "unlimited" here (null is "no change"), as in dockerd.
  if (typeof req.PidsLimit === 'number') hc.PidsLimit = req.PidsLimit > 0 ? req.PidsLimit : null;
  const policy = req.RestartPolicy as { Name?: string } | undefined;
  if (policy && policy.Name) {
    restartPolicyOf({ RestartPolicy: policy });
    if (hc.AutoRemove === true && policy.Name !== 'no') throw conflict(`Cannot update container ${c.id}: Restart policy cannot be updated because AutoRemove is enabled for the container`);
    hc.RestartPolicy = policy;
  }
  // The result must hold as a whole (a new Memory under the kept MemoryReservation, say).
  applyRules(hc, hostRuleEnv());
  // The container as it would be, not the request: an update may not lift it past a ceiling.
  guard?.update(hc as HostConfig);
  const resources = cgroupResources(hc, hostInfo());
  // Stored as none, but a running container's limit must be lifted (runc: -1 is "max").
  if (typeof req.PidsLimit === 'number' && req.PidsLimit <= 0) resources.pids = { limit: -1 };
  if (hasProcess(c.status)) {
    try {
      await lc.deps.runtime.update(c.id, resources);
    } catch (err) {
      throw new BerthError('system', `Cannot update container ${c.id}: ${(err as Error).message}`);
    }
  }
  svc.deps.table.setHostConfig(c.id, hc);
  svc.emit(svc.resolve(c.id), 'update');
  return { Warnings: warnings };
}

/** NanoCpus sets the period and quota itself: dockerd refuses to mix it with them across updates. */
function cpuConflict(req: Record<string, unknown>, cur: HostConfig): string | undefined {
  if (positive(req.NanoCpus) && positive(cur.CpuPeriod)) return 'Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set';
  if (positive(req.NanoCpus) && positive(cur.CpuQuota)) return 'Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set';
  if (positive(req.CpuPeriod) && positive(cur.NanoCpus)) return 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set';
  if (positive(req.CpuQuota) && positive(cur.NanoCpus)) return 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set';
  return undefined;
}

/**
 * dockerd refuses a Memory above the swap limit it keeps unless the request sets MemorySwap too.
 * berthd keeps MemorySwap 0 for "twice Memory" (dockerd writes that out at create), so only a
 * swap limit the user set can be exceeded; a default one follows the new Memory.
 */
function memoryConflict(req: Record<string, unknown>, cur: HostConfig): string | undefined {
  const swap = typeof cur.MemorySwap === 'number' ? cur.MemorySwap : 0;
  if (positive(req.Memory) && swap > 0 && (req.Memory as number) > swap && !isSet(req.MemorySwap)) {
    return 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time';
  }
  return undefined;
}
