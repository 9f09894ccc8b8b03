// --mount, as the docker CLI's opts.MountOpt reads it: one CSV record of key=value fields
// (type defaults to volume), checked as it is read, with docker's error texts.
import { resolve } from 'node:path';
import { ramInBytes } from './go-values.ts';

type Json = Record<string, any>; // the API's Mount object, built field by field

/** One record of Go's encoding/csv: commas split fields, a field in double quotes may hold commas
 * and "" for a quote. */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`parse error on line 1, column ${i}: extraneous or missing " in quoted-field`);
        if (line[i] === '"' && line[i + 1] === '"') (field += '"'), (i += 2);
        else if (line[i] === '"') break;
        else field += line[i++];
      }
      i++;
    } else while (i < line.length && line[i] !== ',') field += line[i++];
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

const goBool = (key: string, val: string): boolean => {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(val)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(val)) return false;
  throw new Error(`invalid value for ${key}: ${val}`);
};

const setOnMap = (m: Record<string, string>, val: string) => {
  const eq = val.indexOf('=');
  if (eq < 0) m[val] = '';
  else m[val.slice(0, eq)] = val.slice(eq + 1);
};

export function parseMountOpt(value: string): Json {
  const mount: Json = { Type: 'volume' };
  const volume = (): Json => (mount.VolumeOptions ??= {});
  const bind = (): Json => (mount.BindOptions ??= {});
  const tmpfs = (): Json => (mount.TmpfsOptions ??= {});
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') mount.ReadOnly = true;
      else if (key === 'volume-nocopy') volume().NoCopy = true;
      else if (key === 'bind-nonrecursive') bind().NonRecursive = true;
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    if (key === 'type') mount.Type = val.toLowerCase();
    else if (key === 'source' || key === 'src') mount.Source = val === '.' || val.startsWith('./') ? resolve(val) : val;
    else if (key === 'target' || key === 'dst' || key === 'destination') mount.Target = val;
    else if (key === 'readonly' || key === 'ro') mount.ReadOnly = goBool(key, val);
    else if (key === 'consistency') mount.Consistency = val.toLowerCase();
    else if (key === 'bind-propagation') bind().Propagation = val.toLowerCase();
    else if (key === 'bind-nonrecursive') bind().NonRecursive = goBool(key, val);
    else if (key === 'volume-subpath') volume().Subpath = val;
    else if (key === 'volume-nocopy') volume().NoCopy = goBool('volume-nocopy', val);
    else if (key === 'volume-label') setOnMap((volume().Labels ??= {}), val);
    else if (key === 'volume-driver') (volume().DriverConfig ??= {}).Name = val;
    else if (key === 'volume-opt') setOnMap(((volume().DriverConfig ??= {}).Options ??= {}), val);
    else if (key === 'tmpfs-size') tmpfs().SizeBytes = sized(key, val);
    else if (key === 'tmpfs-mode') tmpfs().Mode = octal(key, val);
    else throw new Error(`unexpected key '${key}' in '${field}'`);
  }
  if (!mount.Type) throw new Error('type is required');
  if (!mount.Target) throw new Error('target is required');
  for (const [opts, kind, type] of [['VolumeOptions', 'volume', 'volume'], ['BindOptions', 'bind', 'bind'], ['TmpfsOptions', 'tmpfs', 'tmpfs']]) {
    if (mount[opts!] && mount.Type !== type) throw new Error(`cannot mix '${kind}-*' options with mount type '${mount.Type}'`);
  }
  return mount;
}

function sized(key: string, val: string): number {
  try {
    return ramInBytes(val);
  } catch {
    throw new Error(`invalid value for ${key}: ${val}`);
  }
}

function octal(key: string, val: string): number {
  if (!/^[0-7]+$/.test(val) || parseInt(val, 8) > 0xffffffff) throw new Error(`invalid value for ${key}: ${val}`);
  return parseInt(val, 8);
}
