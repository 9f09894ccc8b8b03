// --mount type=...,source=...,target=...[,option...]: docker's CSV syntax turned into the API's
// Mount, with docker's defaults (a volume when no type is given) and its error texts.
import type { BindOptions, Mount, MountType, VolumeOptions } from '../../api/types/engine-api.ts';
import { parseGoBool, ramInBytes } from './go-values.ts';

/** Keys that stand alone and mean "true". */
const BARE = new Set(['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive']);

export function parseMountOpt(value: string): Mount {
  const m: Mount = { Type: 'volume' };
  const bind = (): BindOptions => (m.BindOptions ??= {});
  // docker makes DriverConfig with VolumeOptions, so an empty one goes out with any volume-* key.
  const volume = (): VolumeOptions => (m.VolumeOptions ??= { DriverConfig: {} });
  const bool = (key: string, v: string): boolean => {
    try {
      return parseGoBool(v);
    } catch {
      throw new Error(`invalid value for ${key}: ${v}`);
    }
  };
  let recursive = '';
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    if (eq === -1 && !BARE.has(key)) throw new Error(`invalid field '${field}' must be a key=value pair`);
    const v = eq === -1 ? 'true' : field.slice(eq + 1);
    switch (key) {
      case 'type': m.Type = v.toLowerCase() as MountType; break;
      case 'source': case 'src': m.Source = v; break;
      case 'target': case 'dst': case 'destination': m.Target = v; break;
      case 'readonly': case 'ro': m.ReadOnly = bool(key, v); break;
      case 'consistency': m.Consistency = v; break;
      case 'bind-propagation': bind().Propagation = v.toLowerCase() as BindOptions['Propagation']; break;
      case 'bind-nonrecursive': bind().NonRecursive = bool(key, v); break;
      case 'bind-recursive': recursive = v; bind(); break;
      case 'volume-subpath': volume().Subpath = v; break;
      case 'volume-nocopy': volume().NoCopy = bool(key, v); break;
      case 'volume-label': volume().Labels = { ...volume().Labels, ...pair(v) }; break;
      case 'volume-driver': volume().DriverConfig!.Name = v; break;
      case 'volume-opt': volume().DriverConfig!.Options = { ...volume().DriverConfig!.Options, ...pair(v) }; break;
      case 'image-subpath': m.ImageOptions = { ...m.ImageOptions, Subpath: v }; break;
      case 'tmpfs-size': (m.TmpfsOptions ??= {}).SizeBytes = sizeOf(key, v); break;
      case 'tmpfs-mode': (m.TmpfsOptions ??= {}).Mode = modeOf(key, v); break;
      default: throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (recursive) applyRecursive(m, recursive);
  // Go's omitempty: a false flag is not sent.
  if (m.ReadOnly === false) delete m.ReadOnly;
  if (m.VolumeOptions?.NoCopy === false) delete m.VolumeOptions.NoCopy;
  if (m.BindOptions?.NonRecursive === false) delete m.BindOptions.NonRecursive;
  if (!m.Target) throw new Error('target is required');
  for (const [options, type, prefix] of [[m.BindOptions, 'bind', 'bind'], [m.VolumeOptions, 'volume', 'volume'], [m.TmpfsOptions, 'tmpfs', 'tmpfs'], [m.ImageOptions, 'image', 'image']] as const) {
    if (options && m.Type !== type) throw new Error(`cannot mix '${prefix}-*' options with mount type '${m.Type}'`);
  }
  return m;
}

/** bind-recursive=enabled|disabled|writable|readonly, checked against the other keys as docker does. */
function applyRecursive(m: Mount, mode: string): void {
  const b = m.BindOptions!;
  switch (mode) {
    case 'enabled': break;
    case 'disabled': b.NonRecursive = true; break;
    case 'writable': b.ReadOnlyNonRecursive = true; break;
    case 'readonly': b.ReadOnlyForceRecursive = true; break;
    default: throw new Error(`invalid value for bind-recursive: ${mode} (must be "enabled", "disabled", "writable", or "readonly")`);
  }
  if ((mode === 'writable' || mode === 'readonly') && !m.ReadOnly) throw new Error(`option 'bind-recursive=${mode}' requires 'readonly' to be specified in conjunction`);
  if (mode === 'readonly' && b.Propagation !== 'rprivate') throw new Error(`option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction`);
}

function pair(kv: string): Record<string, string> {
  const eq = kv.indexOf('=');
  return eq === -1 ? { [kv]: '' } : { [kv.slice(0, eq)]: kv.slice(eq + 1) };
}

function sizeOf(key: string, v: string): number {
  try {
    return ramInBytes(v);
  } catch {
    throw new Error(`invalid value for ${key}: ${v}`);
  }
}

/** An octal permission (strconv.ParseUint(v, 8, 32)). */
function modeOf(key: string, v: string): number {
  if (!/^[0-7]+$/.test(v) || parseInt(v, 8) > 0xffffffff) throw new Error(`invalid value for ${key}: ${v}`);
  return parseInt(v, 8);
}

/** One line of Go's encoding/csv: fields split at commas, a quoted field may hold commas and "". */
function csvFields(line: string): string[] {
  if (line === '') throw new Error('EOF');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      for (i++; i < line.length; i++) {
        if (line[i] === '"' && line[i + 1] === '"') field += line[i++];
        else if (line[i] === '"') break;
        else field += line[i];
      }
      if (i >= line.length) throw new Error(`parse error on line 1, column ${line.length + 1}: extraneous or missing " in quoted-field`);
      i++;
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end === -1 ? undefined : end);
      if (field.includes('"')) throw new Error(`parse error on line 1, column ${i + field.indexOf('"') + 1}: bare " in non-quoted-field`);
      i = end === -1 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    if (line[i] !== ',') throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    i++;
  }
}
