// The OCI runtime spec (config.json) as runc 1.1 reads it — only the parts berth writes — and the
// input buildSpec turns into one. Field names follow runtime-spec's JSON; the parts of SpecInput
// that come straight from a container's HostConfig keep Docker's names (DeviceMapping, Ulimit,
// Resources) so the daemon can pass them through unchanged.

export interface OciUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
  umask?: number;
}

export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable?: string[];
  ambient?: string[];
}

/** soft/hard of -1 mean RLIM_INFINITY; specJson() writes them as the uint64 runc expects. */
export interface OciRlimit { type: string; soft: number; hard: number }

export interface OciProcess {
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
}

export interface OciMount { destination: string; type?: string; source?: string; options?: string[] }

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'time';
export interface OciNamespace { type: NamespaceType; path?: string }

export interface OciDevice {
  type: string; // c, b, u or p
  path: string;
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface OciDeviceCgroup { allow: boolean; type?: string; major?: number; minor?: number; access?: string }

export interface OciResources {
  devices?: OciDeviceCgroup[];
  memory?: { limit?: number; reservation?: number; swap?: number; swappiness?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; realtimeRuntime?: number; realtimePeriod?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: {
    weight?: number;
    weightDevice?: { major: number; minor: number; weight: number }[];
    throttleReadBpsDevice?: OciThrottleDevice[];
    throttleWriteBpsDevice?: OciThrottleDevice[];
    throttleReadIOPSDevice?: OciThrottleDevice[];
    throttleWriteIOPSDevice?: OciThrottleDevice[];
  };
}

export interface OciThrottleDevice { major: number; minor: number; rate: number }

export interface OciSeccompArg { index: number; value: number; valueTwo?: number; op: string }
export interface OciSyscall { names: string[]; action: string; errnoRet?: number; args?: OciSeccompArg[] }
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: OciSyscall[];
}

export interface OciLinux {
  namespaces: OciNamespace[];
  devices: OciDevice[];
  /** Absent in a user namespace without cgroups of its own (hostInfo().cgroupsWritable). */
  cgroupsPath?: string;
  resources: OciResources;
  rootfsPropagation?: string;
  seccomp?: OciSeccomp;
  sysctl?: Record<string, string>;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: OciLinux;
}

/** Docker's HostConfig.Devices entry. */
export interface DeviceMapping { PathOnHost: string; PathInContainer?: string; CgroupPermissions?: string }
/** Docker's HostConfig.Ulimits entry (-1 = unlimited). */
export interface Ulimit { Name: string; Soft: number; Hard: number }
/** The cgroup part of Docker's HostConfig (Resources), with Docker's names and units. */
export interface ResourcesInput {
  Memory?: number;
  MemorySwap?: number; // total memory+swap; -1 unlimited; 0 = twice Memory, as dockerd defaults it
  MemoryReservation?: number;
  MemorySwappiness?: number | null;
  OomKillDisable?: boolean | null;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  NanoCpus?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  BlkioWeightDevice?: { Path: string; Weight: number }[] | null;
  BlkioDeviceReadBps?: BlkioThrottle[] | null;
  BlkioDeviceWriteBps?: BlkioThrottle[] | null;
  BlkioDeviceReadIOps?: BlkioThrottle[] | null;
  BlkioDeviceWriteIOps?: BlkioThrottle[] | null;
}

/** Docker's HostConfig.BlkioDevice* entry: a block device's path and a rate (bytes or ops per second). */
export interface BlkioThrottle { Path: string; Rate: number }

/** `joined`: another container's namespace (container:<id>), whose owner set it up already. */
export type NetworkMode = 'none' | 'host' | { netnsPath: string; joined?: boolean };
export type IpcMode = 'private' | 'shareable' | 'none' | 'host';

export interface SpecInput {
  id: string;
  rootfs: string; // already mounted
  readonlyRootfs?: boolean;
  args: string[]; // resolveCommand's result
  env?: string[]; // image Env then user Env (later entries win; "KEY" alone unsets)
  cwd?: string;
  user?: OciUser; // resolveUser's result; root when absent
  tty?: boolean;
  consoleSize?: { height: number; width: number };
  hostname?: string; // default: the first 12 characters of the id (the host's with network host)
  domainname?: string;
  network?: NetworkMode; // default none
  ipc?: IpcMode | { path: string }; // default private; a path: another's namespace (its /dev/shm is a mount)
  pid?: 'private' | 'host' | { path: string };
  uts?: 'private' | 'host';
  cgroupns?: 'private' | 'host'; // default: private on a cgroup v2 host, else host (as dockerd)
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  maskedPaths?: string[]; // HostConfig.MaskedPaths: replaces the defaults when given
  readonlyPaths?: string[];
  shmSize?: number; // bytes, default 64 MiB
  mounts?: OciMount[]; // binds, tmpfs, volumes (see mounts.ts for Docker-style builders)
  devices?: DeviceMapping[];
  deviceCgroupRules?: string[];
  ulimits?: Ulimit[];
  defaultUlimits?: Ulimit[]; // daemon default-ulimits; the container's own win by name
  sysctls?: Record<string, string>;
  oomScoreAdj?: number;
  resources?: ResourcesInput;
  cgroupParent?: string; // default /berth
  init?: string; // host path of the init binary (tini); set to run it as pid 1
  annotations?: Record<string, string>;
  host?: Partial<HostInfo>; // facts about this machine, read from it when absent
}

/** What buildSpec needs to know about the host; hostInfo() reads it once. */
export interface HostInfo {
  arch: string; // node's process.arch
  kernel: [number, number];
  nofileHardLimit: number;
  capLastCap: number;
  /** CapBnd of the daemon process: what it can give a container at most. */
  capBounding?: bigint;
  hostname: string;
  cgroupV2: boolean; // unified hierarchy only
  blkioWeight: boolean; // the blkio/io controller takes a weight (not with every io scheduler)
  swapLimit: boolean;
  sysctls: string[]; // which of dockerd's default network sysctls exist
  thermalThrottlePaths: string[];
  /** In a user namespace (rootless): berthd's own oom_score_adj, which a container may not go
   * below (lowering it needs CAP_SYS_RESOURCE on the host; a systemd user session sets 100+). */
  oomScoreAdjFloor?: number;
  /** false in a user namespace (rootless): the cgroup hierarchy is root's, so a container gets no
   * cgroupsPath and runc's rootless cgroup manager leaves it in berthd's cgroup (as dockerd's
   * rootless specconv does on cgroup v1). A limit then fails in runc with its own clear error. */
  cgroupsWritable?: boolean;
  /** In a user namespace: "0 <highest mapped gid>" — the kernel refuses a ping_group_range with
   * a gid the namespace does not map (dockerd's "0 2147483647" is EINVAL there). */
  pingGroupRange?: string;
}
