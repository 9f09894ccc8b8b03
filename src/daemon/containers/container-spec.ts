// A stored container (Config + HostConfig, as the Docker API gave them) turned into the spec
// builder's input, for a rootfs the caller has mounted.
import { buildSpec, bindMount, tmpfsMount, resolveUser, type OciSpec, type SpecInput, type OciMount } from '../../runtime/spec/index.ts';
import type { ContainerRow } from '../../store/containers.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { commandOf } from './container-config.ts';
import { limitsForStart } from './host-config-check.ts';

export function containerSpec(c: ContainerRow, rootfs: string, opts: { initPath?: string } = {}): OciSpec {
  const cfg = c.config;
  // Checked again: a record stored before these checks may hold what runc would refuse.
  const hc = limitsForStart(c.hostConfig);
  const { path, args } = commandOf(cfg);
  const user = resolveUser(rootfs, cfg.User || undefined, hc.GroupAdd ?? []);
  const size = consoleSizeOf(c);
  const input: SpecInput = {
    id: c.id,
    rootfs,
    readonlyRootfs: hc.ReadonlyRootfs === true,
    args: [path, ...args],
    env: cfg.Env ?? [],
    cwd: cfg.WorkingDir || '/',
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    tty: cfg.Tty === true,
    // The client's terminal size at create: the process starts with it, before any resize.
    ...(size && { consoleSize: { height: size[0], width: size[1] } }),
    ...(cfg.Hostname && { hostname: cfg.Hostname }),
    ...(cfg.Domainname && { domainname: cfg.Domainname }),
    network: hc.NetworkMode === 'host' ? 'host' : 'none',
    ipc: hc.IpcMode === 'host' ? 'host' : 'private',
    pid: hc.PidMode === 'host' ? 'host' : 'private',
    uts: hc.UTSMode === 'host' ? 'host' : 'private',
    privileged: hc.Privileged === true,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    securityOpt: hc.SecurityOpt ?? [],
    ...(hc.MaskedPaths && { maskedPaths: hc.MaskedPaths }),
    ...(hc.ReadonlyPaths && { readonlyPaths: hc.ReadonlyPaths }),
    ...(hc.ShmSize && { shmSize: hc.ShmSize }),
    mounts: mountsOf(hc),
    devices: hc.Devices ?? [],
    deviceCgroupRules: hc.DeviceCgroupRules ?? [],
    ulimits: hc.Ulimits ?? [],
    sysctls: hc.Sysctls ?? {},
    ...(hc.OomScoreAdj && { oomScoreAdj: hc.OomScoreAdj }),
    resources: hc,
    ...(hc.Init === true && opts.initPath && { init: opts.initPath }),
    ...(hc.CgroupParent && { cgroupParent: hc.CgroupParent }),
  };
  return buildSpec(input);
}

/** Binds ("src:dst[:ro]") and tmpfs mounts from HostConfig; volumes arrive with their issue. */
function mountsOf(hc: HostConfig): OciMount[] {
  const out: OciMount[] = [];
  for (const bind of (hc.Binds as string[] | undefined) ?? []) {
    const [source, destination, mode = ''] = bind.split(':');
    if (!source?.startsWith('/') || !destination) throw invalidParameter(`invalid bind "${bind}": named volumes are not supported yet; use /host/path:/container/path[:ro]`);
    const flags = mode.split(',');
    const propagation = flags.find((f) => /^r?(shared|slave|private)$/.test(f));
    out.push(bindMount({ source, destination, readOnly: flags.includes('ro'), ...(propagation && { propagation }) }));
  }
  for (const [destination, data] of Object.entries((hc.Tmpfs as Record<string, string> | undefined) ?? {})) out.push(tmpfsMount(destination, data));
  return out;
}

/** HostConfig.ConsoleSize ([rows, cols], both positive) or undefined: the client's terminal at create. */
export function consoleSizeOf(c: ContainerRow): [number, number] | undefined {
  const size = (c.hostConfig as { ConsoleSize?: unknown }).ConsoleSize;
  return Array.isArray(size) && size[0] > 0 && size[1] > 0 ? [size[0], size[1]] : undefined;
}
