// The body of GET /info, in Docker's shape, from facts gathered by the caller.
import { availableParallelism, hostname, release as kernelRelease, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import type { DaemonConfig } from '../config/types.ts';
import type { ResourceCounts } from './system-service.ts';
import { cgroupFacts, ipv4Forwarding, openFileCount, unameMachine } from './host-facts.ts';
import { ENGINE_VERSION } from '../../lib/build-info.ts';
import { LISTED_LOG_DRIVERS } from '../containers/log-config.ts';
import { offeredRuntimes } from '../config/defaults.ts';
import { hostRefusal } from '../../runtime/monitor/runtime-support.ts';
import { which } from '../../lib/which.ts';
import { rootlessInfoWarnings, rootlessLimitsOnce, type RootlessLimits } from './rootless-limits.ts';

export interface InfoInput {
  config: DaemonConfig;
  daemonId: string;
  counts: ResourceCounts;
  eventListeners: number;
  storage: { name: string; status: [string, string][] };
  os: { name: string; version: string };
  runcCommit: string;
  initCommit: string;
}

export function buildInfo(i: InfoInput): Record<string, unknown> {
  const cfg = i.config;
  const cg = cgroupFacts();
  const c = i.counts.containers();
  const rootless = rootlessLimitsOnce();
  // A rootless daemon has only what is delegated to it (nothing at all on v1).
  const has = (ctrl: string) => cg.controllers.includes(ctrl) && (!rootless || (!rootless.problem && rootless.controllers.includes(ctrl === 'blkio' ? 'io' : ctrl)));
  return {
    ID: i.daemonId,
    Containers: c.total,
    ContainersRunning: c.running,
    ContainersPaused: c.paused,
    ContainersStopped: c.stopped,
    Images: i.counts.images(),
    Driver: i.storage.name,
    DriverStatus: i.storage.status,
    // The drivers berthd has: no volume driver, and only the host and null networks.
    // The built-in policy engine stands where dockerd lists authorization plugins (docker info's
    // "Authorization:" line), so a client can see which policy decides its requests.
    Plugins: { Volume: [], Network: ['host', 'null'], Authorization: cfg.authzPolicy ? [`berth-policy:${cfg.authzPolicy}`] : null, Log: LISTED_LOG_DRIVERS },
    MemoryLimit: has('memory'),
    SwapLimit: (!rootless || has('memory')) && (existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes') || cg.version === '2'),
    CpuCfsPeriod: has('cpu'),
    CpuCfsQuota: has('cpu'),
    CPUShares: has('cpu'),
    CPUSet: has('cpuset'),
    PidsLimit: has('pids'),
    OomKillDisable: cg.version === '1' && has('memory'),
    IPv4Forwarding: ipv4Forwarding(),
    Debug: cfg.debug,
    NFd: openFileCount(),
    NGoroutines: process.getActiveResourcesInfo().length,
    SystemTime: new Date().toISOString(),
    LoggingDriver: cfg.logDriver,
    // dockerd's name for a rootless daemon without cgroups.
    CgroupDriver: rootless?.problem ? 'none' : 'cgroupfs',
    CgroupVersion: cg.version,
    NEventsListener: i.eventListeners,
    KernelVersion: kernelRelease(),
    OperatingSystem: i.os.name,
    OSVersion: i.os.version,
    OSType: 'linux',
    Architecture: unameMachine(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: registryConfig(cfg),
    NCPU: availableParallelism(),
    MemTotal: totalmem(),
    GenericResources: null,
    DockerRootDir: cfg.dataRoot,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: cfg.experimental,
    ServerVersion: ENGINE_VERSION,
    Runtimes: runtimes(cfg),
    DefaultRuntime: cfg.defaultRuntime,
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: cfg.liveRestore,
    Isolation: '',
    InitBinary: 'tini',
    ContainerdCommit: { ID: '' },
    RuncCommit: { ID: i.runcCommit },
    InitCommit: { ID: i.initCommit },
    SecurityOptions: securityOptions(cg.version, rootless),
    CDISpecDirs: [],
    Warnings: [...warnings(cfg), ...rootlessInfoWarnings(rootless)],
  };
}

function registryConfig(cfg: DaemonConfig): Record<string, unknown> {
  const cidrs = ['127.0.0.0/8', '::1/128', ...cfg.insecureRegistries.filter((r) => r.includes('/'))];
  const indexConfigs: Record<string, unknown> = {
    'docker.io': { Name: 'docker.io', Mirrors: cfg.registryMirrors, Secure: true, Official: true },
  };
  for (const r of cfg.insecureRegistries.filter((r) => !r.includes('/'))) {
    indexConfigs[r] = { Name: r, Mirrors: [], Secure: false, Official: false };
  }
  return { InsecureRegistryCIDRs: cidrs, IndexConfigs: indexConfigs, Mirrors: cfg.registryMirrors };
}

function securityOptions(cgroupVersion: string, rootless: RootlessLimits | undefined): string[] {
  const opts = ['name=seccomp,profile=builtin'];
  // Where dockerd lists it: after seccomp, before cgroupns.
  if (rootless) opts.push('name=rootless');
  if (cgroupVersion === '2') opts.push('name=cgroupns');
  return opts;
}

/** Each runtime a container may name; one known not to run here says why in its status (the
 * swagger's free-form Runtime.status, API ≥ 1.44), under "berth.unavailable". */
function runtimes(cfg: DaemonConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(offeredRuntimes(cfg.runtimes)).map(([n, r]) => {
    const refusal = hostRefusal(which(r.path));
    return [n, { path: r.path, ...(r.runtimeArgs && { runtimeArgs: r.runtimeArgs }), ...(refusal && { status: { 'berth.unavailable': refusal } }) }];
  }));
}

function warnings(cfg: DaemonConfig): string[] {
  const out: string[] = [];
  // The docker CLI shows the runtimes' names only: an unusable one is said here too.
  for (const [n, r] of Object.entries(offeredRuntimes(cfg.runtimes))) {
    const refusal = hostRefusal(which(r.path));
    if (refusal) out.push(`WARNING: runtime "${n}" cannot be used${n === cfg.defaultRuntime ? ', and it is the default runtime' : ''}: ${refusal}`);
  }
  for (const h of cfg.hosts) {
    if (h.startsWith('tcp://') && !cfg.tls && !cfg.tlsVerify) {
      out.push(`WARNING: API is accessible on ${h.replace('tcp://', 'http://')} without encryption.\n         Access to the remote API is equivalent to root access on the host.`);
    }
  }
  if (!ipv4Forwarding()) out.push('WARNING: IPv4 forwarding is disabled');
  return out;
}
