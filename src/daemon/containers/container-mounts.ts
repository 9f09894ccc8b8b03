// A container's mounts, resolved once at create as dockerd's registerMountPoints does: mounts
// inherited through VolumesFrom first, then Binds and Mounts (one destination each, else
// "Duplicate mount point"), then an anonymous volume for each Config.Volumes path (the image's
// VOLUMEs included) that nothing is mounted on yet. Named volumes that do not exist are made
// now, anonymous ones get a 64-hex name. The result is stored with the container (its `mounts`
// column): inspect's Mounts shows it, and each start sets it up (volume-attachment.ts).
import { invalidParameter, isKind } from '../../api/types/errors.ts';
import type { ContainerConfig, HostConfig } from '../../api/types/engine-api.ts';
import type { ContainerRow, StoredMount } from '../../store/containers.ts';
import type { VolumeService } from '../volumes/volume-service.ts';
import { parseBind, parseMount, parseVolumesFrom, type MountRequest } from './mount-specs.ts';
import { tmpfsMount } from '../../runtime/spec/mounts.ts';

export interface MountDeps {
  volumes: VolumeService;
  /** A container by id, id prefix or name (404 as dockerd words it). */
  container: (idOrName: string) => ContainerRow;
}

type Json = Record<string, any>; // the API's loosely typed JSON, read field by field

const duplicate = (dst: string) => invalidParameter(`Duplicate mount point: ${dst}`);

/** Checks everything first, then makes the volumes: a refused create leaves no volume behind.
 * `made` collects the named volumes made here (not there before). */
export function resolveMounts(config: Json, hc: Json, deps: MountDeps, made?: Set<string>): StoredMount[] {
  const inherited = (hc.VolumesFrom as string[] | null | undefined ?? []).flatMap((spec) => {
    const { container, rw } = parseVolumesFrom(spec);
    return (deps.container(container).mounts ?? []).filter((m) => !m.hidden).map((m) => inherit(m, rw));
  });
  const tmpfs = new Set(Object.keys((hc.Tmpfs as Record<string, string> | null | undefined) ?? {}).map(clean));
  for (const [destination, data] of Object.entries((hc.Tmpfs as Record<string, string> | null | undefined) ?? {})) checkTmpfs(destination, data);
  const own: MountRequest[] = [];
  const taken = new Set<string>();
  // HostConfig.VolumeDriver: the driver of the volumes Binds and Config.Volumes name.
  const driver = typeof hc.VolumeDriver === 'string' && hc.VolumeDriver !== '' ? { driver: hc.VolumeDriver } : {};
  for (const spec of (hc.Binds as string[] | null | undefined) ?? []) {
    const r = { ...parseBind(spec), ...driver };
    if (taken.has(r.destination) || tmpfs.has(r.destination)) throw duplicate(r.destination);
    taken.add(r.destination);
    own.push(r);
  }
  for (const m of (hc.Mounts as Json[] | null | undefined) ?? []) {
    const r = parseMount(m);
    if (taken.has(r.destination)) throw duplicate(String(m.Target));
    taken.add(r.destination);
    own.push(r);
  }
  for (const r of own) if (r.type === 'volume') deps.volumes.check({ Name: r.source, Driver: r.driver, DriverOpts: r.driverOpts, Labels: r.labels });
  const byDestination = new Map<string, StoredMount>();
  for (const m of inherited) byDestination.set(m.Destination, m);
  for (const r of own) byDestination.set(r.destination, materialize(r, deps.volumes, 'z', made));
  for (const path of Object.keys((config.Volumes as Record<string, unknown> | null | undefined) ?? {})) {
    const destination = clean(path);
    if (byDestination.has(destination) || tmpfs.has(destination)) continue;
    byDestination.set(destination, materialize({ type: 'volume', source: '', destination, rw: true, mode: '', propagation: '', copyData: true, ...driver }, deps.volumes, ''));
  }
  const out = [...byDestination.values()];
  for (const [destination, data] of Object.entries((hc.Tmpfs as Record<string, string> | null | undefined) ?? {})) {
    out.push({ Type: 'tmpfs', Source: '', Destination: clean(destination), Mode: '', RW: true, Propagation: '', tmpfsData: data, hidden: true });
  }
  return out;
}

/** HostConfig.Tmpfs's entry as dockerd checks it at create (its texts), and its options as the
 * start would read them: refused now, not by the kernel at the start (a 500). */
function checkTmpfs(destination: string, data: string): void {
  if (!destination.startsWith('/')) throw invalidParameter(`invalid mount path: '${destination}' mount path must be absolute`);
  if (clean(destination) === '/') throw invalidParameter("invalid specification: destination can't be '/'");
  tmpfsMount(destination, data);
}

/** A mount of another container as --volumes-from gives it: never copied into, Mode cleared,
 * writable only if both the source and the request say so. */
function inherit(m: StoredMount, rw: boolean): StoredMount {
  const { copyData: _c, anonymous: _a, createSource: _s, ...rest } = m;
  return { ...rest, Mode: '', RW: m.RW && rw };
}

/** defaultMode: dockerd gives a local volume named by Binds or Mounts the SELinux mode "z" when
 * none is set; one from Config.Volumes keeps "". */
function materialize(r: MountRequest, volumes: VolumeService, defaultMode: string, made?: Set<string>): StoredMount {
  const base = { Destination: r.destination, Mode: r.mode, RW: r.rw, Propagation: r.propagation };
  if (r.type === 'tmpfs') return { Type: 'tmpfs', Source: '', ...base, tmpfsData: r.tmpfsData ?? '' };
  if (r.type === 'bind') {
    return { Type: 'bind', Source: r.source, ...base, ...(r.createSource && { createSource: true }), ...(r.nonRecursive && { nonRecursive: true }) };
  }
  const anonymous = r.source === '';
  if (!anonymous && !volumes.deps.table.get(r.source)) made?.add(r.source);
  const v = volumes.create({ Name: r.source, Driver: r.driver, DriverOpts: r.driverOpts, Labels: r.labels }, { anonymous });
  return {
    Type: 'volume', Name: v.name, Source: volumes.deps.driver.path(v.name), Destination: r.destination, Driver: v.driver,
    Mode: r.mode || defaultMode, RW: r.rw, Propagation: '', copyData: r.copyData, ...(anonymous && { anonymous: true }),
    ...(r.subpath !== undefined && { subpath: r.subpath }),
  };
}

function clean(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** A create's mounts, and what to do once its row is stored (or its create failed). */
export interface CreateMounts {
  mounts: StoredMount[];
  /** `refused`: by an authorization policy, which also takes the named volumes it made. */
  settle(stored: boolean, refused?: boolean): Promise<void>;
}

/** resolveMounts for a container create: its volumes are pinned (no removal) until its row is
 * stored; a create that failed takes the anonymous volumes it made with it (and keeps named ones,
 * as dockerd does). One an authorization policy refused also takes the named volumes that were
 * not there before it: a refused `--mount src=v,volume-opt=device=/` must not leave a volume that
 * mounts the host, made by a client the policy may not even allow to make volumes. */
export function mountsForCreate(config: ContainerConfig, hc: HostConfig, deps: MountDeps): CreateMounts {
  const made = new Set<string>();
  const mounts = resolveMounts(config as Json, hc as Json, deps, made);
  const release = deps.volumes.pin(mounts.flatMap((m) => (m.Type === 'volume' && m.Name ? [m.Name] : [])));
  return {
    mounts,
    async settle(stored, refused = false) {
      release();
      if (stored) return;
      for (const m of mounts) if (m.Type === 'volume' && m.anonymous && m.Name) await deps.volumes.remove(m.Name, true);
      // One that another container took meanwhile is in use (or pinned): removal refuses, it stays.
      if (refused) for (const name of made) await deps.volumes.remove(name, true).catch((err: unknown) => {
        if (!isKind(err, 'conflict')) throw err;
      });
    },
  };
}

/** inspect's Mounts: the listed mounts, with inspect's fields only. */
export function mountsView(c: ContainerRow): object[] {
  return (c.mounts ?? []).filter((m) => !m.hidden).map((m) => ({
    Type: m.Type, ...(m.Name !== undefined && { Name: m.Name }), Source: m.Source, Destination: m.Destination,
    ...(m.Driver !== undefined && { Driver: m.Driver }), Mode: m.Mode, RW: m.RW, Propagation: m.Propagation,
  }));
}
