// The HostConfig half of docker's parse(): namespaces, restart policy, logging, security and
// storage options, and the cgroup Resources, with the fields in the order and with the empty
// values docker's JSON has.
import { readFileSync } from 'node:fs';
import { healthOnFailureHostConfig } from '../commands/health-on-failure.ts';
import type { ContainerFlags } from './container-flags.ts';
import type { DeviceMapping, DeviceRequest } from './devices.ts';
import type { PortBinding } from './ports.ts';
import { kvMap, sortedMap } from './kv-file.ts';

type Json = Record<string, unknown>;

export interface RestartPolicy { Name: string; MaximumRetryCount: number }

/** opts.ParseRestartPolicy */
export function parseRestartPolicy(policy: string): RestartPolicy {
  if (policy === '') return { Name: '', MaximumRetryCount: 0 };
  const colon = policy.indexOf(':');
  const [name, count] = colon === -1 ? [policy, ''] : [policy.slice(0, colon), policy.slice(colon + 1)];
  if (colon !== -1 && name === '') throw new Error('invalid restart policy format: no policy provided before colon');
  let max = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) throw new Error('invalid restart policy format: maximum retry count must be an integer');
    max = Number(count);
  }
  return { Name: name, MaximumRetryCount: max };
}

/** The client's normalizeCapabilities: upper case, CAP_ prefix (except ALL), unique, sorted; null when empty. */
export function normalizeCaps(caps: string[] | undefined): string[] | null {
  const out = [...new Set((caps ?? []).map((c) => {
    const up = c.toUpperCase();
    return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
  }))].sort();
  return out.length ? out : null;
}

const validContainerRef = (mode: string) => mode.startsWith('container:') && mode.length > 'container:'.length;

function checkNamespaces(f: ContainerFlags): void {
  if (f.pid && f.pid !== 'host' && !validContainerRef(f.pid)) throw new Error('--pid: invalid PID mode');
  if (f.uts && f.uts !== 'host') throw new Error('--uts: invalid UTS mode');
  if (f.userns && f.userns !== 'host') throw new Error('--userns: invalid USER mode');
  if (f.cgroupns && !['host', 'private'].includes(f.cgroupns)) throw new Error('--cgroupns: invalid CGROUP mode');
}

/** --security-opt values checked; systempaths=unconfined is the client's, it unmasks /proc and /sys. */
function securityOpts(raw: string[] | undefined): { opts: string[] | null; masked: string[] | null } {
  const opts: string[] = [];
  let masked: string[] | null = null;
  for (const opt of raw ?? []) {
    let sep = opt.indexOf('=');
    if (sep === -1 && opt !== 'no-new-privileges') sep = opt.indexOf(':');
    const [k, v] = sep === -1 ? [opt, ''] : [opt.slice(0, sep), opt.slice(sep + 1)];
    if ((sep === -1 || v === '') && k !== 'no-new-privileges') throw new Error(`Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (opt === 'systempaths=unconfined') {
      masked = [];
      continue;
    }
    opts.push(k === 'seccomp' && v !== 'builtin' && v !== 'unconfined' ? `seccomp=${readSeccompProfile(v)}` : opt);
  }
  return { opts: raw === undefined ? null : opts, masked };
}

export function buildHostConfig(
  f: ContainerFlags,
  p: { binds: string[] | null; bindings: Record<string, PortBinding[]>; devices: { mappings: DeviceMapping[]; cdi: string[] }; consoleSize: [number, number] },
): Json {
  checkNamespaces(f);
  const restart = parseRestartPolicy(f.restart ?? 'no');
  const logOpts = f.logOpt ?? [];
  if (f.logDriver === 'none' && logOpts.length) throw new Error('invalid logging opts for driver none');
  const security = securityOpts(f.securityOpt);
  const storage: Record<string, string> = {};
  for (const o of f.storageOpt ?? []) {
    const eq = o.indexOf('=');
    if (eq === -1) throw new Error('invalid storage option');
    storage[o.slice(0, eq)] = o.slice(eq + 1);
  }
  const tmpfs: Record<string, string> = {};
  for (const t of f.tmpfs ?? []) {
    const colon = t.indexOf(':');
    tmpfs[colon === -1 ? t : t.slice(0, colon)] = colon === -1 ? '' : t.slice(colon + 1);
  }
  const sysctls = kvMap(f.sysctl ?? []);
  const annotations = kvMap(f.annotation ?? []);
  if (f.rm && restart.Name !== 'no' && restart.Name !== '') throw new Error('conflicting options: cannot specify both --restart and --rm');
  const deviceRequests: DeviceRequest[] | null = p.devices.cdi.length ? [{ Driver: 'cdi', Count: 0, DeviceIDs: p.devices.cdi, Capabilities: null, Options: null }] : null;
  const nonEmpty = (m: Record<string, string>) => Object.keys(m).length > 0;
  return {
    Binds: p.binds,
    ...(f.mount?.length && { Mounts: f.mount }),
    ContainerIDFile: f.cidfile ?? '',
    LogConfig: { Type: f.logDriver ?? '', Config: kvMap(logOpts) },
    NetworkMode: f.network?.[0]?.Target ?? 'default',
    PortBindings: sortedMap(p.bindings),
    RestartPolicy: restart,
    AutoRemove: f.rm === true,
    VolumeDriver: f.volumeDriver ?? '',
    VolumesFrom: f.volumesFrom ?? null,
    ConsoleSize: p.consoleSize,
    ...(nonEmpty(annotations) && { Annotations: annotations }),
    CapAdd: normalizeCaps(f.capAdd),
    CapDrop: normalizeCaps(f.capDrop),
    CgroupnsMode: f.cgroupns ?? '',
    Dns: f.dns ?? [],
    DnsOptions: f.dnsOption ?? [],
    DnsSearch: f.dnsSearch ?? [],
    ExtraHosts: f.addHost ?? null,
    GroupAdd: f.groupAdd ?? null,
    IpcMode: f.ipc ?? '',
    Cgroup: '',
    Links: f.link ?? null,
    OomScoreAdj: f.oomScoreAdj ?? 0,
    PidMode: f.pid ?? '',
    Privileged: f.privileged === true,
    PublishAllPorts: f.publishAll === true,
    ReadonlyRootfs: f.readOnly === true,
    ...healthOnFailureHostConfig(f.healthOnFailure),
    SecurityOpt: security.opts,
    ...(nonEmpty(storage) && { StorageOpt: sortedMap(storage) }),
    ...(nonEmpty(tmpfs) && { Tmpfs: sortedMap(tmpfs) }),
    ...(f.mount?.length && { Mounts: f.mount }),
    UTSMode: f.uts ?? '',
    UsernsMode: f.userns ?? '',
    ShmSize: f.shmSize ?? 0,
    ...(nonEmpty(sysctls) && { Sysctls: sysctls }),
    ...(f.runtime && { Runtime: f.runtime }),
    Isolation: f.isolation ?? '',
    ...resources(f, p.devices.mappings, deviceRequests),
    MaskedPaths: security.masked,
    ReadonlyPaths: security.masked,
    ...(f.init !== undefined && { Init: f.init }),
  };
}

function resources(f: ContainerFlags, devices: DeviceMapping[], deviceRequests: DeviceRequest[] | null): Json {
  return {
    CpuShares: f.cpuShares ?? 0,
    Memory: f.memory ?? 0,
    NanoCpus: f.cpus ?? 0,
    CgroupParent: f.cgroupParent ?? '',
    BlkioWeight: f.blkioWeight ?? 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: f.cpuPeriod ?? 0,
    CpuQuota: f.cpuQuota ?? 0,
    CpuRealtimePeriod: f.cpuRtPeriod ?? 0,
    CpuRealtimeRuntime: f.cpuRtRuntime ?? 0,
    CpusetCpus: f.cpusetCpus ?? '',
    CpusetMems: f.cpusetMems ?? '',
    Devices: devices,
    DeviceCgroupRules: f.deviceCgroupRule ?? null,
    DeviceRequests: deviceRequests,
    MemoryReservation: f.memoryReservation ?? 0,
    MemorySwap: f.memorySwap ?? 0,
    MemorySwappiness: f.memorySwappiness ?? -1,
    OomKillDisable: f.oomKillDisable === true,
    PidsLimit: f.pidsLimit ?? 0,
    Ulimits: [...new Map((f.ulimit ?? []).map((u) => [u.Name, u])).values()].sort((a, b) => (a.Name < b.Name ? -1 : 1)),
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
  };
}

/** A seccomp profile given by file is sent as its compacted JSON, as docker does. */
export function readSeccompProfile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`opening seccomp profile (${file}) failed: open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (err) {
    throw new Error(`compacting json for seccomp profile (${file}) failed: ${(err as Error).message}`);
  }
}
