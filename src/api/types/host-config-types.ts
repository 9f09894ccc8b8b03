// The Go types dockerd decodes a create's and an update's body into (moby api/types/container:
// CreateRequest, HostConfig with Resources inlined, UpdateConfig), as far as berthd checks them:
// every field of Resources, the other numeric fields, and the plain strings, booleans, lists and
// maps of HostConfig. Fields with their own checkers (LogConfig, Mounts' insides, Dns addresses,
// port bindings' keys) are left to those.
// KernelMemory and KernelMemoryTCP are not here: dockerd has ignored them since API 1.42 and
// 1.52, and berthd drops them (host-config-check.ts).
import { go, type GoType } from '../go-decode.ts';

const weightDevice = go.struct('blkiodev.WeightDevice', { Path: go.string(), Weight: go.uint16 });
const throttleDevice = go.struct('blkiodev.ThrottleDevice', { Path: go.string(), Rate: go.uint64 });
const throttles = go.slice(throttleDevice, '[]*blkiodev.ThrottleDevice');

/** mount.Mount (HostConfig.Mounts); TmpfsOptions.Mode (an os.FileMode) is read by the mount parser. */
const MOUNT = go.struct('mount.Mount', {
  Type: go.string('mount.Type'), Source: go.string(), Target: go.string(), ReadOnly: go.bool, Consistency: go.string('mount.Consistency'),
  BindOptions: go.struct('mount.BindOptions', { Propagation: go.string('mount.Propagation'), NonRecursive: go.bool, CreateMountpoint: go.bool }),
  VolumeOptions: go.struct('mount.VolumeOptions', {
    NoCopy: go.bool, Labels: go.stringMap, Subpath: go.string(), DriverConfig: go.struct('mount.Driver', { Name: go.string(), Options: go.stringMap }),
  }),
  TmpfsOptions: go.struct('mount.TmpfsOptions', { SizeBytes: go.int64 }),
});

/** container.Resources: what `docker update` can change, and create's cgroup settings. */
export const RESOURCE_FIELDS: Record<string, GoType> = {
  CpuShares: go.int64,
  Memory: go.int64,
  NanoCpus: go.int64,
  CgroupParent: go.string(),
  BlkioWeight: go.uint16,
  BlkioWeightDevice: go.slice(weightDevice, '[]*blkiodev.WeightDevice'),
  BlkioDeviceReadBps: throttles,
  BlkioDeviceWriteBps: throttles,
  BlkioDeviceReadIOps: throttles,
  BlkioDeviceWriteIOps: throttles,
  CpuPeriod: go.int64,
  CpuQuota: go.int64,
  CpuRealtimePeriod: go.int64,
  CpuRealtimeRuntime: go.int64,
  CpusetCpus: go.string(),
  CpusetMems: go.string(),
  Devices: go.slice(go.struct('container.DeviceMapping', { PathOnHost: go.string(), PathInContainer: go.string(), CgroupPermissions: go.string() })),
  DeviceCgroupRules: go.strings,
  DeviceRequests: go.slice(go.struct('container.DeviceRequest', {
    Driver: go.string(), Count: go.int, DeviceIDs: go.strings, Capabilities: go.slice(go.strings), Options: go.stringMap,
  })),
  MemoryReservation: go.int64,
  MemorySwap: go.int64,
  MemorySwappiness: go.int64,
  OomKillDisable: go.bool,
  PidsLimit: go.int64,
  Ulimits: go.slice(go.struct('units.Ulimit', { Name: go.string(), Hard: go.int64, Soft: go.int64 }), '[]*units.Ulimit'),
  CpuCount: go.int64,
  CpuPercent: go.int64,
  IOMaximumIOps: go.uint64,
  IOMaximumBandwidth: go.uint64,
};

const restartPolicy = go.struct('container.RestartPolicy', { Name: go.string('container.RestartPolicyMode'), MaximumRetryCount: go.int });

export const HOST_CONFIG = go.struct('container.HostConfig', {
  Binds: go.strings,
  ContainerIDFile: go.string(),
  NetworkMode: go.string('container.NetworkMode'),
  PortBindings: { kind: 'map', name: 'network.PortMap', elem: go.slice(go.struct('network.PortBinding', { HostIp: go.string(), HostPort: go.string() })) },
  RestartPolicy: restartPolicy,
  AutoRemove: go.bool,
  VolumeDriver: go.string(),
  VolumesFrom: go.strings,
  ConsoleSize: { kind: 'array', name: '[2]uint', elem: go.uint, length: 2 },
  Annotations: go.stringMap,
  CapAdd: go.strslice,
  CapDrop: go.strslice,
  CgroupnsMode: go.string('container.CgroupnsMode'),
  // The addresses themselves are the networking code's to check.
  Dns: go.slice(go.string('netip.Addr'), '[]netip.Addr'),
  DnsOptions: go.strings,
  DnsSearch: go.strings,
  ExtraHosts: go.strings,
  GroupAdd: go.strings,
  IpcMode: go.string('container.IpcMode'),
  Cgroup: go.string('container.CgroupSpec'),
  Links: go.strings,
  OomScoreAdj: go.int,
  PidMode: go.string('container.PidMode'),
  Privileged: go.bool,
  PublishAllPorts: go.bool,
  ReadonlyRootfs: go.bool,
  SecurityOpt: go.strings,
  StorageOpt: go.stringMap,
  Tmpfs: go.stringMap,
  UTSMode: go.string('container.UTSMode'),
  UsernsMode: go.string('container.UsernsMode'),
  ShmSize: go.int64,
  Sysctls: go.stringMap,
  Runtime: go.string(),
  Isolation: go.string('container.Isolation'),
  Mounts: go.slice(MOUNT),
  MaskedPaths: go.strings,
  ReadonlyPaths: go.strings,
  Init: go.bool,
  ...RESOURCE_FIELDS,
});

/** The create body's own fields that are checked here (the rest of Config: container-config.ts). */
export const CREATE_REQUEST = go.struct('container.CreateRequest', { HostConfig: HOST_CONFIG, StopTimeout: go.int });

export const UPDATE_CONFIG = go.struct('container.UpdateConfig', { ...RESOURCE_FIELDS, RestartPolicy: restartPolicy });
