// A container create judged against a rule's limits. It looks at what berthd will run — the
// config merged with the image's, the HostConfig with its defaults, the mounts as resolved
// (--volumes-from's inherited binds included) and the image the name resolved to — never at
// the request's bytes, so no spelling of the request can differ from what is checked.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { ContainerConfig, HostConfig } from '../api/types/engine-api.ts';
import type { StoredMount } from '../store/containers.ts';
import type { Limits } from './policy.ts';
import { capabilityName } from './policy-limits.ts';
import { imageAllowed, namesAsked } from './image-patterns.ts';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../runtime/spec/build.ts';

export interface ContainerRequest {
  /** The image as the request named it (a reference, an id or an id prefix). */
  image: string;
  /** Full references (docker.io/library/busybox:latest) of the image the create resolved. */
  imageNames: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  mounts: readonly StoredMount[];
  /** A volume's driver options: a local volume with `device` is a mount of the host's. */
  volumeOptions?: (name: string) => Record<string, string> | null;
  /** Records the real path of a volume's o=bind device as judged here (the volume's store). */
  approveVolumeDevice?: (name: string, path: string) => void;
}

const NAMESPACE_MODES = ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode'] as const;
// Options that take away a confinement: as much root as --privileged, so they need it. Any
// seccomp profile but the builtin one (a custom one may allow every syscall: the docker CLI
// sends the file's JSON), and writable cgroups (the container could lift its own limits).
const UNCONFINED = /^(seccomp[=:](?!builtin$)|(apparmor|systempaths)[=:]unconfined$|label[=:]disable$|writable-cgroups([=:](1|t|true))?$)/i;

/** What the request asks for that the limits do not allow, or undefined. */
export function containerProblem(req: ContainerRequest, limits: Limits): string | undefined {
  const hc = req.hostConfig;
  const checks = [
    () => (hc.Privileged && !limits.privileged ? 'privileged containers are not allowed' : undefined),
    () => (limits.privileged ? undefined : securityOpt(hc)),
    () => (limits.privileged ? undefined : systemPaths(hc)),
    () => (!limits.privileged && (hc.DeviceCgroupRules ?? []).length ? 'device cgroup rules need "privileged"' : undefined),
    () => capabilities(hc, limits),
    () => (limits.hostNamespaces ? undefined : NAMESPACE_MODES.filter((m) => hc[m] === 'host').map((m) => `${m}=host is not allowed (host namespaces)`)[0]),
    () => binds(req.mounts, limits),
    () => volumeDevices(req, limits),
    () => devices(hc, limits),
    () => images(req, limits),
    () => labels(req.config, limits),
    () => ceilings(hc, limits),
  ];
  for (const check of checks) {
    const problem = check();
    if (problem) return problem;
  }
  return undefined;
}

function securityOpt(hc: HostConfig): string | undefined {
  const lifted = (hc.SecurityOpt ?? []).find((o) => UNCONFINED.test(o));
  if (lifted === undefined) return undefined;
  return /^seccomp[=:](?!unconfined$)/.test(lifted) ? 'a custom seccomp profile needs "privileged"' : `security option "${lifted}" needs "privileged"`;
}

/** The docker CLI's `systempaths=unconfined` never reaches berthd as a security option: it
 * sends MaskedPaths and ReadonlyPaths empty. Lists that leave out a default unmask /proc. */
function systemPaths(hc: HostConfig): string | undefined {
  const short = (given: readonly string[] | null | undefined, defaults: readonly string[]) => given != null && !defaults.every((p) => given.includes(p));
  if (!short(hc.MaskedPaths, DEFAULT_MASKED_PATHS) && !short(hc.ReadonlyPaths, DEFAULT_READONLY_PATHS)) return undefined;
  return 'masked or read-only paths short of the defaults (systempaths=unconfined) need "privileged"';
}

/** Judged by the name the request used, or — an id — by any of the image's names. */
function images(req: ContainerRequest, limits: Limits): string | undefined {
  if (!limits.images.length) return undefined;
  const names = namesAsked(req.image, req.imageNames);
  if (imageAllowed(names, limits.images)) return undefined;
  return `image ${names.join(', ') || req.image} is not from an allowed registry or repository (${limits.images.join(', ')})`;
}

function capabilities(hc: HostConfig, limits: Limits): string | undefined {
  const extra = (hc.CapAdd ?? []).map(capabilityName).filter((c) => !limits.capabilities.includes(c) && !limits.privileged);
  return extra.length ? `adding capabilities ${extra.join(', ')} is not allowed (allowed: ${limits.capabilities.join(', ') || 'none'})` : undefined;
}

function binds(mounts: readonly StoredMount[], limits: Limits): string | undefined {
  for (const m of mounts) {
    if (m.Type !== 'bind') continue;
    if (!within(realSource(m.Source), limits.bindPaths)) {
      return `bind mount of ${m.Source} is not allowed (allowed under: ${limits.bindPaths.join(', ') || 'nothing'})`;
    }
  }
  return undefined;
}

/** Records on each bind the real path just judged: the start mounts that path and nothing else
 * (runtime/spec/pinned-binds.ts), whatever a symlink swapped in later points to. */
export function approveBinds(mounts: readonly StoredMount[]): void {
  for (const m of mounts) if (m.Type === 'bind') m.approvedSource = realSource(m.Source);
}

/** The same for the o=bind volumes the container uses: the local driver mounts the recorded
 * path, opened with no symlink on the way, at the volume's next mount (volume/local-driver.ts). */
export function approveVolumeDevices(req: ContainerRequest): void {
  for (const m of req.mounts) {
    if (m.Type !== 'volume' || !m.Name) continue;
    const o = req.volumeOptions?.(m.Name);
    if (o?.device?.startsWith('/') && o.type !== 'tmpfs' && isBindVolume(o)) req.approveVolumeDevice?.(m.Name, realSource(o.device));
  }
}

const isBindVolume = (o: Record<string, string>): boolean => (o.o ?? '').split(',').includes('bind');

/** `type=none o=bind device=/` makes a volume a bind of `/` when a container starts, and a
 * `device` of another type mounts host storage: only tmpfs is none of the host's. */
function volumeDevices(req: ContainerRequest, limits: Limits): string | undefined {
  for (const m of req.mounts) {
    if (m.Type !== 'volume' || !m.Name) continue;
    const o = req.volumeOptions?.(m.Name);
    if (!o?.device || o.type === 'tmpfs') continue;
    const isBind = isBindVolume(o);
    if (isBind && o.device.startsWith('/') && within(realSource(o.device), limits.bindPaths)) continue;
    if (!isBind && limits.privileged) continue;
    return `volume ${m.Name} mounts ${o.device} from the host (${isBind ? `allowed under: ${limits.bindPaths.join(', ') || 'nothing'}` : 'needs "privileged"'})`;
  }
  return undefined;
}

function within(source: string, paths: readonly string[]): boolean {
  return paths.some((p) => source === p || source.startsWith(p === '/' ? '/' : p + sep));
}

/** The runtime follows symlinks when it mounts, so the check does too: the real path of the
 * longest part that exists, with the rest (made at start) appended. */
function realSource(path: string): string {
  const rest: string[] = [];
  let head = resolve(path);
  while (!existsSync(head) && head !== '/') {
    rest.unshift(basename(head));
    head = dirname(head);
  }
  return resolve(realpathSync(head), ...rest);
}

function devices(hc: HostConfig, limits: Limits): string | undefined {
  const bad = (hc.Devices ?? []).map((d) => d.PathOnHost ?? '').find((p) => !limits.devices.includes(resolve(p)));
  return bad === undefined ? undefined : `device ${bad} is not allowed (allowed: ${limits.devices.join(', ') || 'none'})`;
}

function labels(config: ContainerConfig, limits: Limits): string | undefined {
  const have = config.Labels ?? {};
  for (const [k, v] of Object.entries(limits.labels)) {
    if (!Object.hasOwn(have, k) || (v !== '*' && have[k] !== v)) return `containers must carry the label ${k}=${v}`;
  }
  return undefined;
}

/** Memory, cpus and pids against the ceilings (a create, and the result of an update). */
export function ceilings(hc: HostConfig, limits: Limits): string | undefined {
  if (limits.memory !== undefined && !(hc.Memory && hc.Memory > 0 && hc.Memory <= limits.memory)) {
    return `memory ${hc.Memory ? `${hc.Memory} bytes` : 'unlimited'} is above the ceiling of ${limits.memory} bytes`;
  }
  if (limits.nanoCpus !== undefined) {
    const asked = hc.NanoCpus || (hc.CpuQuota && hc.CpuQuota > 0 ? (hc.CpuQuota / (hc.CpuPeriod || 100_000)) * 1e9 : 0);
    if (!(asked > 0 && asked <= limits.nanoCpus)) return `cpus ${asked ? asked / 1e9 : 'unlimited'} is above the ceiling of ${limits.nanoCpus / 1e9}`;
  }
  if (limits.pids !== undefined && !(hc.PidsLimit && hc.PidsLimit > 0 && hc.PidsLimit <= limits.pids)) {
    return `pids limit ${hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : 'unlimited'} is above the ceiling of ${limits.pids}`;
  }
  return undefined;
}
