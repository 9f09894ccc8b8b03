// --device as docker reads it for a Linux daemon: "host[:container][:perms]" checked on the
// client (validateLinuxPath) and split into a DeviceMapping; CDI names ("vendor.com/class=name")
// become one DeviceRequest for the "cdi" driver.
import { posix } from 'node:path';

export interface DeviceMapping { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }
export interface DeviceRequest { Driver: string; Count: number; DeviceIDs: string[] | null; Capabilities: null; Options: null }

/** A valid mode is any combination of r, w and m, each at most once. */
const validMode = (mode: string) => mode !== '' && /^[rwm]+$/.test(mode) && new Set(mode).size === mode.length;

/** Go's path.Clean for the absolute paths this sees. */
const clean = (p: string) => {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
};

const isCdiName = (name: string) => /^[a-zA-Z0-9][a-zA-Z0-9._-]*\/[a-zA-Z0-9][a-zA-Z0-9._-]*=[a-zA-Z0-9_.:-]+$/.test(name) && /^[^/]+\.[^/]+\//.test(name);

function validateLinuxPath(val: string): string {
  if ((val.match(/:/g) ?? []).length > 2) throw new Error(`bad format for path: ${val}`);
  const split = val.split(':');
  if (split[0] === '') throw new Error(`bad format for path: ${val}`);
  let containerPath: string;
  let out = val;
  if (split.length === 1) {
    containerPath = split[0]!;
    out = clean(containerPath);
  } else if (split.length === 2) {
    if (validMode(split[1]!)) {
      containerPath = split[0]!;
      out = `${clean(containerPath)}:${split[1]}`;
    } else {
      containerPath = split[1]!;
      out = `${split[0]}:${clean(containerPath)}`;
    }
  } else {
    containerPath = split[1]!;
    if (!validMode(split[2]!)) throw new Error(`bad mode specified: ${split[2]}`);
  }
  if (!containerPath.startsWith('/')) throw new Error(`${containerPath} is not an absolute path`);
  return out;
}

function parseLinuxDevice(device: string): DeviceMapping {
  const arr = device.split(':');
  if (arr.length > 3) throw new Error(`invalid device specification: ${device}`);
  let permissions = 'rwm';
  let dst = '';
  if (arr.length === 3) permissions = arr[2]!;
  if (arr.length >= 2) {
    if (validMode(arr[1]!)) permissions = arr[1]!;
    else dst = arr[1]!;
  }
  const src = arr[0]!;
  return { PathOnHost: src, PathInContainer: dst || src, CgroupPermissions: permissions };
}

export function parseDevices(specs: string[]): { mappings: DeviceMapping[]; cdi: string[] } {
  const mappings: DeviceMapping[] = [];
  const cdi: string[] = [];
  for (const spec of specs) {
    if (isCdiName(spec)) cdi.push(spec);
    else mappings.push(parseLinuxDevice(validateLinuxPath(spec)));
  }
  return { mappings, cdi };
}
