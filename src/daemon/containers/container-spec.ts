// A stored container (Config + HostConfig, as the Docker API gave them) turned into the spec
// builder's input, for a rootfs the caller has mounted, with what the container's attachments
// add (attachments.ts): their mounts after the container's own (the builder puts a parent
// path before its children, as docker does), their env after its own, and the network
// namespace they made. HostConfig.NetworkMode "host" stays the host's; without a namespace
// from them the container gets a new empty one.
import { buildSpec, resolveUser, type OciSpec, type SpecInput } from '../../runtime/spec/index.ts';
import type { ContainerRow } from '../../store/containers.ts';
import { commandOf } from './container-config.ts';
import { limitsForStart } from './host-config-check.ts';
import type { SpecAdditions } from './attachments.ts';

export function containerSpec(c: ContainerRow, rootfs: string, opts: { initPath?: string; additions?: SpecAdditions } = {}): OciSpec {
  const add = opts.additions ?? {};
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
    env: [...(cfg.Env ?? []), ...(add.env ?? [])],
    cwd: cfg.WorkingDir || '/',
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    tty: cfg.Tty === true,
    // The client's terminal size at create: the process starts with it, before any resize.
    ...(size && { consoleSize: { height: size[0], width: size[1] } }),
    ...((add.hostname ?? cfg.Hostname) && { hostname: add.hostname ?? cfg.Hostname }),
    ...((add.domainname ?? cfg.Domainname) && { domainname: add.domainname ?? cfg.Domainname }),
    network: hc.NetworkMode === 'host' ? 'host' : add.netnsPath ? { netnsPath: add.netnsPath, ...(String(hc.NetworkMode).startsWith('container:') && { joined: true }) } : 'none',
    // Joined namespaces come from the namespaces attachment (namespace-joins.ts).
    ipc: add.ipcnsPath ? { path: add.ipcnsPath } : hc.IpcMode === 'host' || hc.IpcMode === 'none' ? hc.IpcMode : 'private',
    pid: add.pidnsPath ? { path: add.pidnsPath } : hc.PidMode === 'host' ? 'host' : 'private',
    ...((hc.CgroupnsMode === 'host' || hc.CgroupnsMode === 'private') && { cgroupns: hc.CgroupnsMode }),
    uts: hc.UTSMode === 'host' ? 'host' : 'private',
    privileged: hc.Privileged === true,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    securityOpt: hc.SecurityOpt ?? [],
    ...(hc.MaskedPaths && { maskedPaths: hc.MaskedPaths }),
    ...(hc.ReadonlyPaths && { readonlyPaths: hc.ReadonlyPaths }),
    ...(hc.ShmSize && { shmSize: hc.ShmSize }),
    // User mounts (binds, volumes, tmpfs) come from the volumes attachment's SpecAdditions:
    // resolved at create (container-mounts.ts), set up at each start (volume-attachment.ts).
    mounts: add.mounts ?? [],
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

/** HostConfig.ConsoleSize ([rows, cols], both positive) or undefined: the client's terminal at create. */
export function consoleSizeOf(c: ContainerRow): [number, number] | undefined {
  const size = (c.hostConfig as { ConsoleSize?: unknown }).ConsoleSize;
  return Array.isArray(size) && size[0] > 0 && size[1] > 0 ? [size[0], size[1]] : undefined;
}
