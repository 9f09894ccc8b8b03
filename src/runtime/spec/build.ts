// buildSpec: a container's configuration → the config.json runc runs, following dockerd's
// createSpec (daemon/oci_linux.go) step by step over moby's DefaultLinuxSpec.
import { invalidParameter } from '../../api/types/errors.ts';
import { tweakCapabilities } from './caps.ts';
import { processEnv } from './command.ts';
import { DEFAULT_NET_SYSCTLS, hostInfo } from './host.ts';
import { buildRlimits, validateSysctls } from './limits.ts';
import { DEFAULT_SHM_SIZE, layoutMounts, rootfsPropagation } from './mounts.ts';
import { cgroupResources, defaultDeviceRules, hostDevices, mapDevices, parseDeviceCgroupRules } from './resources.ts';
import { seccompFor } from './seccomp.ts';
import { parseSecurityOpt } from './security-opt.ts';
import type { HostInfo, OciNamespace, OciSpec, SpecInput } from './types.ts';

/** Where dockerd puts its init (docker-init, i.e. tini) inside the container. */
export const CONTAINER_INIT_PATH = '/sbin/docker-init';

export const DEFAULT_MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats', '/sys/devices/virtual/powercap',
  '/sys/firmware',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The paths a container gets masked and read-only unless its HostConfig names them: none when
 * privileged (it sees /proc and /sys whole). Inspect shows the same (host-config-view.ts). */
export function defaultMaskedPaths(privileged: boolean, host: Pick<HostInfo, 'thermalThrottlePaths'> = hostInfo()): string[] {
  return privileged ? [] : [...DEFAULT_MASKED_PATHS, ...host.thermalThrottlePaths];
}

export function defaultReadonlyPaths(privileged: boolean): string[] {
  return privileged ? [] : [...DEFAULT_READONLY_PATHS];
}

/** The cgroup namespace of a container that asks for none: its own on a cgroup v2 host, as dockerd. */
export function defaultCgroupns(host: Pick<HostInfo, 'cgroupV2'> = hostInfo()): 'private' | 'host' {
  return host.cgroupV2 ? 'private' : 'host';
}

export function buildSpec(input: SpecInput): OciSpec {
  const host = hostInfo(input.host);
  const privileged = input.privileged ?? false;
  const network = input.network ?? 'none';
  const ipc = input.ipc ?? 'private';
  const pid = input.pid ?? 'private';
  const uts = input.uts ?? 'private';
  const security = parseSecurityOpt(input.securityOpt);

  // Namespaces. There is no time namespace: runc 1.1 does not know the type (dockerd adds one only
  // when the runtime and kernel have it).
  const namespaces: OciNamespace[] = [{ type: 'mount' }];
  if (network !== 'host') namespaces.push(network === 'none' ? { type: 'network' } : { type: 'network', path: network.netnsPath });
  if (uts === 'private') namespaces.push({ type: 'uts' });
  if (pid !== 'host') namespaces.push(typeof pid === 'object' ? { type: 'pid', path: pid.path } : { type: 'pid' });
  if (ipc !== 'host') namespaces.push(typeof ipc === 'object' ? { type: 'ipc', path: ipc.path } : { type: 'ipc' });
  if ((input.cgroupns ?? defaultCgroupns(host)) === 'private') namespaces.push({ type: 'cgroup' });

  // With --network host the container is named like the host; --uts host takes the host's outright.
  if (uts === 'host' && input.hostname) throw invalidParameter('Conflicting options: hostname and the UTS mode');
  let hostname: string | undefined = input.hostname || (network === 'host' ? host.hostname : input.id.slice(0, 12));
  if (hostname.length > 64) throw invalidParameter(`hostname "${hostname}" is too long (maximum 64 bytes)`);
  if (uts === 'host') hostname = undefined;

  const sysctl: Record<string, string> = {};
  // The NIS domain name has no OCI field; the sysctl has the same effect (dockerd does this too).
  if (input.domainname) sysctl['kernel.domainname'] = input.domainname;
  // dockerd's ping/low-port defaults, in any network namespace of the container's own (a netns path
  // is the one berth's network layer made for this container, like dockerd's bridge sandbox).
  // A joined namespace (container:<id>) keeps what its owner set: it may be the host's own.
  if (network !== 'host' && !(typeof network === 'object' && network.joined)) for (const key of host.sysctls) sysctl[key] = (key === 'net.ipv4.ping_group_range' && host.pingGroupRange) || DEFAULT_NET_SYSCTLS[key]!;
  validateSysctls(input.sysctls ?? {}, { privateNet: network !== 'host', privateIpc: ipc !== 'host', privateUts: uts === 'private' });
  Object.assign(sysctl, input.sysctls);
  if (uts === 'host') delete sysctl['kernel.domainname'];

  const caps = tweakCapabilities({ capAdd: input.capAdd, capDrop: input.capDrop, privileged, capLastCap: host.capLastCap, ...(host.capBounding !== undefined && { bounding: host.capBounding }) });

  let args = [...input.args];
  const mounts = [...(input.mounts ?? [])];
  // dockerd adds its init only in a private pid namespace: elsewhere pid 1 is someone else's.
  if (input.init && pid === 'private') {
    args = [CONTAINER_INIT_PATH, '--', ...args];
    mounts.push({ destination: CONTAINER_INIT_PATH, type: 'bind', source: input.init, options: ['bind', 'ro'] });
  }

  // A privileged container gets every host device already; only renamed mappings add anything.
  const devices = mapDevices(
    (input.devices ?? []).filter((m) => !privileged || (m.PathInContainer || m.PathOnHost) !== m.PathOnHost),
  );
  const resources = cgroupResources(input.resources, host);
  resources.devices = privileged
    ? [{ allow: true, access: 'rwm' }]
    : [...defaultDeviceRules(), ...devices.rules, ...parseDeviceCgroupRules(input.deviceCgroupRules ?? [])];

  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: input.tty ?? false,
      user: {
        uid: input.user?.uid ?? 0,
        gid: input.user?.gid ?? 0,
        additionalGids: input.user?.additionalGids ?? [input.user?.gid ?? 0],
      },
      args,
      env: processEnv(input.env ?? [], hostname ?? host.hostname, input.tty ?? false),
      cwd: input.cwd || '/',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      oomScoreAdj: Math.max(input.oomScoreAdj ?? 0, host.oomScoreAdjFloor ?? -1000),
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs ?? false },
    mounts: layoutMounts({
      userMounts: mounts,
      shmSize: input.shmSize || DEFAULT_SHM_SIZE,
      ipcNone: ipc === 'none',
      ipcHost: ipc === 'host',
      readonlyRootfs: input.readonlyRootfs ?? false,
      sysWritable: privileged,
      cgroupWritable: security.writableCgroups ?? privileged,
    }),
    linux: {
      namespaces,
      devices: privileged ? [...hostDevices(), ...devices.devices] : devices.devices,
      ...(host.cgroupsWritable !== false && { cgroupsPath: `${(input.cgroupParent || '/berth').replace(/\/+$/, '')}/${input.id}` }),
      resources,
      sysctl,
    },
  };
  if (hostname !== undefined) spec.hostname = hostname;
  if (input.consoleSize && input.tty) spec.process.consoleSize = input.consoleSize;
  const rlimits = buildRlimits(input.ulimits, input.defaultUlimits, host.nofileHardLimit);
  if (rlimits.length) spec.process.rlimits = rlimits;
  if (security.noNewPrivileges) spec.process.noNewPrivileges = true;
  const propagation = rootfsPropagation(spec.mounts);
  if (propagation) spec.linux.rootfsPropagation = propagation;
  // Explicit HostConfig paths win over the defaults, privileged or not.
  const masked = input.maskedPaths ?? defaultMaskedPaths(privileged, host);
  const readonly = input.readonlyPaths ?? defaultReadonlyPaths(privileged);
  if (masked.length) spec.linux.maskedPaths = [...masked];
  if (readonly.length) spec.linux.readonlyPaths = [...readonly];
  const seccomp = seccompFor(security.seccomp, privileged, { arch: host.arch, kernel: host.kernel, bounding: caps });
  if (seccomp) spec.linux.seccomp = seccomp;
  if (input.annotations && Object.keys(input.annotations).length) spec.annotations = { ...input.annotations };
  return spec;
}
