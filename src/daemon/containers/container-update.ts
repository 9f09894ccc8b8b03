// POST /containers/{id}/update: new cgroup limits and restart policy. As dockerd, only the
// fields a request sets (non-zero, non-empty) change; the merged limits are checked like a
// create's, written to the running container through `runc update`, then stored.
import type { Lifecycle } from './lifecycle.ts';
import { hasProcess } from '../../store/containers.ts';
import { cgroupResources } from '../../runtime/spec/resources.ts';
import { hostInfo } from '../../runtime/spec/index.ts';
import { BerthError, conflict, invalidParameter } from '../../api/types/errors.ts';
import { restartPolicyOf } from './restart-policy.ts';

const RESOURCE_FIELDS = [
  'Memory', 'MemorySwap', 'MemoryReservation', 'KernelMemory', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'NanoCpus',
  'CpusetCpus', 'CpusetMems', 'PidsLimit', 'BlkioWeight', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'MemorySwappiness', 'OomKillDisable',
] as const;

const isSet = (v: unknown) => v !== undefined && v !== null && v !== 0 && v !== '';

export async function updateContainer(lc: Lifecycle, idOrName: string, body: Record<string, unknown>): Promise<{ Warnings: string[] }> {
  const svc = lc.deps.svc;
  const c = svc.resolve(idOrName);
  if (c.status === 'removing' || c.status === 'dead') throw conflict(`Cannot update container ${c.id}: container is marked for removal and cannot be "update"`);
  const hc: Record<string, unknown> = { ...c.hostConfig };
  for (const f of RESOURCE_FIELDS) if (isSet(body[f])) hc[f] = body[f];
  if (isSet(body.NanoCpus) && (isSet(body.CpuQuota) || isSet(body.CpuPeriod))) {
    throw invalidParameter('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  // Setting one kind of CPU limit replaces the other, as dockerd's update does.
  if (isSet(body.NanoCpus)) {
    delete hc.CpuQuota;
    delete hc.CpuPeriod;
  } else if (isSet(body.CpuQuota) || isSet(body.CpuPeriod)) {
    delete hc.NanoCpus;
  }
  const policy = body.RestartPolicy as { Name?: string } | undefined;
  if (policy && policy.Name) {
    restartPolicyOf({ RestartPolicy: policy });
    if (hc.AutoRemove === true && policy.Name !== 'no') throw invalidParameter('Restart policy cannot be updated because AutoRemove is enabled for the container');
    hc.RestartPolicy = policy;
  }
  const resources = cgroupResources(hc, hostInfo());
  if (hasProcess(c.status)) {
    try {
      await lc.deps.runtime.update(c.id, resources);
    } catch (err) {
      throw new BerthError('system', `Cannot update container ${c.id}: ${(err as Error).message}`);
    }
  }
  svc.deps.table.setHostConfig(c.id, hc);
  svc.emit(svc.resolve(c.id), 'update');
  return { Warnings: [] };
}
