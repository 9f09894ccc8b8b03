// The mount forms of a container create, parsed as dockerd's volume parser reads them (Linux):
// HostConfig.Binds ("/host:/ctr[:opts]", "name:/ctr[:opts]"), HostConfig.Mounts (typed), and
// HostConfig.VolumesFrom ("ctr[:ro|rw]"). Texts are dockerd's.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';

/** One mount asked for, before any volume exists for it. */
export interface MountRequest {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind), volume name ("" = anonymous), "" for tmpfs. */
  source: string;
  destination: string;
  rw: boolean;
  /** Inspect's Mode: the Binds options as written ("" for Mounts). */
  mode: string;
  propagation: string;
  copyData: boolean;
  createSource?: boolean;
  nonRecursive?: boolean;
  tmpfsData?: string;
  /** VolumeOptions.Subpath: a directory inside the volume is what is mounted. */
  subpath?: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
const DEFAULT_PROPAGATION = 'rprivate';

/** linuxValidMountMode: at most one of each kind (rw/ro, z/Z, propagation, nocopy). */
function checkMode(mode: string): void {
  const kinds = new Map<string, number>();
  for (const o of mode.split(',')) {
    const kind = ['rw', 'ro'].includes(o) ? 'rw' : ['z', 'Z'].includes(o) ? 'label' : PROPAGATION.includes(o) ? 'prop'
      : o === 'nocopy' ? 'copy' : ['consistent', 'cached', 'delegated'].includes(o) ? 'consistency' : undefined;
    if (!kind) throw invalidParameter(`invalid mode: ${mode}`);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (kinds.get(kind)! > 1) throw invalidParameter(`invalid mode: ${mode}`);
  }
}

const isValidModeWord = (s: string): boolean => {
  try {
    checkMode(s);
    return true;
  } catch {
    return false;
  }
};

function checkDestination(dst: string, type: string, spec?: string): string {
  const wrap = (m: string) => invalidParameter(spec === undefined ? m : `invalid volume specification: '${spec}': ${m}`);
  if (!dst.startsWith('/')) throw wrap(`invalid mount config for type "${type}": invalid mount path: '${dst}' mount path must be absolute`);
  const clean = posix.normalize(dst).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw wrap(`invalid mount config for type "${type}": invalid specification: destination can't be '/'`);
  return clean;
}

/** One HostConfig.Binds entry. */
export function parseBind(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalidParameter(`invalid volume specification: '${spec}'`);
  if (parts.length === 2 && isValidModeWord(parts[1]!)) throw invalidParameter(`invalid volume specification: '${spec}'`);
  const [first, second, mode = ''] = parts as [string, string | undefined, string | undefined];
  if (mode) checkMode(mode);
  const source = second === undefined ? '' : first;
  const type = source.startsWith('/') ? 'bind' : 'volume';
  const destination = checkDestination(second ?? first, type, spec);
  const flags = mode ? mode.split(',') : [];
  if (type === 'bind' && flags.includes('nocopy')) throw invalidParameter(`invalid mode: ${mode}`);
  const rw = !flags.includes('ro');
  if (type === 'bind') {
    const propagation = flags.find((f) => PROPAGATION.includes(f)) ?? DEFAULT_PROPAGATION;
    return { type, source: posix.normalize(source), destination, rw, mode, propagation, copyData: false, createSource: true };
  }
  return { type, source, destination, rw, mode, propagation: '', copyData: !flags.includes('nocopy') };
}

type Json = Record<string, any>; // the API's loosely typed JSON, read field by field

/** One HostConfig.Mounts entry (ParseMountSpec and its validation). */
export function parseMount(m: Json): MountRequest {
  const type = String(m.Type ?? '');
  const bad = (msg: string) => invalidParameter(`invalid mount config for type "${type}": ${msg}`);
  if (!['bind', 'volume', 'tmpfs'].includes(type)) throw bad('mount type unknown');
  if (!m.Target) throw bad('field Target must not be empty');
  const destination = checkDestination(String(m.Target), type);
  const rw = m.ReadOnly !== true;
  for (const [field, only] of [['BindOptions', 'bind'], ['VolumeOptions', 'volume'], ['TmpfsOptions', 'tmpfs']] as const) {
    if (m[field] && type !== only) throw bad(`field ${field} must not be specified`);
  }
  if (type === 'tmpfs') {
    if (m.Source) throw bad('field Source must not be specified');
    return { type, source: '', destination, rw, mode: '', propagation: '', copyData: false, tmpfsData: tmpfsData(m.TmpfsOptions ?? {}, rw, bad) };
  }
  if (type === 'bind') {
    if (!m.Source) throw bad('field Source must not be empty');
    const source = String(m.Source);
    if (!source.startsWith('/')) throw bad(`invalid mount path: '${source}' mount path must be absolute`);
    if (!existsSync(source) && m.BindOptions?.CreateMountpoint !== true) throw bad(`bind source path does not exist: ${source}`);
    const propagation = m.BindOptions?.Propagation || DEFAULT_PROPAGATION;
    if (!PROPAGATION.includes(propagation)) throw bad(`invalid propagation mode: ${propagation}`);
    return {
      type, source: posix.normalize(source), destination, rw, mode: '', propagation, copyData: false,
      ...(m.BindOptions?.CreateMountpoint === true && { createSource: true }),
      ...(m.BindOptions?.NonRecursive === true && { nonRecursive: true }),
    };
  }
  const vo: Json = m.VolumeOptions ?? {};
  const subpath = typeof vo.Subpath === 'string' && vo.Subpath !== '' ? vo.Subpath : undefined;
  // filepath.IsLocal: relative, and not leaving the volume by "..".
  if (subpath !== undefined && (subpath.startsWith('/') || posix.normalize(subpath).split('/')[0] === '..')) throw bad('subpath must be a relative path within the volume');
  return {
    // A sub-directory of the volume is mounted as it is: nothing is copied into it.
    type, source: String(m.Source ?? ''), destination, rw, mode: '', propagation: '', copyData: vo.NoCopy !== true && subpath === undefined,
    ...(subpath !== undefined && { subpath }),
    ...(vo.DriverConfig?.Name && { driver: String(vo.DriverConfig.Name) }),
    ...(vo.DriverConfig?.Options && { driverOpts: vo.DriverConfig.Options as Record<string, string> }),
    ...(vo.Labels && { labels: vo.Labels as Record<string, string> }),
  };
}

/** TmpfsOptions as mount data: size in bytes, mode in octal (dockerd's ConvertTmpfsOptions). */
function tmpfsData(o: Json, rw: boolean, bad: (m: string) => Error): string {
  const out: string[] = [];
  if (o.SizeBytes !== undefined && o.SizeBytes !== 0) {
    if (!Number.isInteger(o.SizeBytes) || o.SizeBytes < 0) throw bad(`invalid tmpfs size ${o.SizeBytes}`);
    // dockerd rounds to KiB ("size=1024k") so the kernel never sees an odd byte count.
    out.push(`size=${Math.floor(o.SizeBytes / 1024)}k`);
  }
  // Mode is an fs.FileMode (a uint32): Go's decoder refuses the rest (its text; else -1 became 7777).
  if (o.Mode !== undefined && o.Mode !== null && (typeof o.Mode !== 'number' || !Number.isInteger(o.Mode) || o.Mode < 0 || o.Mode > 0xffffffff)) {
    throw invalidParameter(`json: cannot unmarshal ${typeof o.Mode === 'number' ? `number ${o.Mode}` : typeof o.Mode} into Go struct field TmpfsOptions.HostConfig.Mounts.TmpfsOptions.Mode of type fs.FileMode`);
  }
  if (o.Mode) out.push(`mode=${(Number(o.Mode) & 0o7777).toString(8)}`);
  if (!rw) out.push('ro');
  return out.join(',');
}

/** One HostConfig.VolumesFrom entry: the container and whether its mounts stay writable. */
export function parseVolumesFrom(spec: string): { container: string; rw: boolean } {
  const [container = '', mode, ...rest] = spec.split(':');
  if (!container || rest.length) throw invalidParameter(`invalid volumes-from specification: ${spec}`);
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw invalidParameter(`invalid mode for volumes-from: ${mode}`);
  return { container, rw: mode !== 'ro' };
}
