// HostConfig as GET /containers/{id}/json shows it: dockerd answers with its whole Go struct, so
// a field the client left out is there with its zero value, or with the default dockerd stores
// at create (and berth applies at start). docker-py, compose and dockerode send a sparse
// HostConfig; a client reading `HostConfig.RestartPolicy.Name` or `.Memory` of such a container
// must find them as it would on dockerd. What the client sent is shown as sent.
import type { HostConfig } from '../../api/types/engine-api.ts';
import { defaultCgroupns, defaultMaskedPaths, defaultReadonlyPaths } from '../../runtime/spec/build.ts';
import { DEFAULT_SHM_SIZE } from '../../runtime/spec/mounts.ts';
import { memorySwapOf } from '../../runtime/spec/resources.ts';

/** Go's zero values of the fields dockerd stores as given (a missing slice is null). */
const ZERO: Record<string, unknown> = {
  Binds: null, ContainerIDFile: '', PortBindings: {}, AutoRemove: false, VolumeDriver: '', VolumesFrom: null,
  ConsoleSize: [0, 0], CapAdd: null, CapDrop: null, Dns: null, DnsOptions: null, DnsSearch: null, ExtraHosts: null,
  GroupAdd: null, Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false,
  ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '', Isolation: '', CpuShares: 0, Memory: 0,
  NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: null, BlkioDeviceReadBps: null,
  BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0,
  CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: null, DeviceCgroupRules: null,
  DeviceRequests: null, MemoryReservation: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null,
  Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
};

export function hostConfigView(hc: HostConfig): Record<string, unknown> {
  const given = hc as Record<string, unknown>;
  const out: Record<string, unknown> = { ...ZERO };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  // The defaults dockerd stores in place of an empty value, as berth applies them.
  const privileged = given.Privileged === true;
  const policy = given.RestartPolicy as { Name?: string; MaximumRetryCount?: number } | undefined;
  out.RestartPolicy = { Name: policy?.Name || 'no', MaximumRetryCount: policy?.MaximumRetryCount ?? 0 };
  if (!given.IpcMode) out.IpcMode = 'private';
  if (!given.CgroupnsMode) out.CgroupnsMode = defaultCgroupns();
  if (!given.ShmSize) out.ShmSize = DEFAULT_SHM_SIZE;
  out.MemorySwap = memorySwapOf(Number(given.Memory) || 0, Number(given.MemorySwap) || 0);
  // The lists the spec applies; a privileged container's none are null, as dockerd shows them.
  if (given.MaskedPaths == null) out.MaskedPaths = privileged ? null : defaultMaskedPaths(false);
  if (given.ReadonlyPaths == null) out.ReadonlyPaths = privileged ? null : defaultReadonlyPaths(false);
  return out;
}
