// The checks docker's list flags run on each value as it is read (opts.ValidateEnv,
// ValidateLabel, ValidateSysctl, ...), with docker's texts.
import { isIP } from 'node:net';

export function validateEnv(val: string): string {
  const eq = val.indexOf('=');
  const key = eq === -1 ? val : val.slice(0, eq);
  if (key === '') throw new Error(`invalid environment variable: ${val}`);
  if (eq === -1 && process.env[key] !== undefined) return `${key}=${process.env[key]}`;
  return val;
}

export function validateLabel(val: string): string {
  const key = val.split('=')[0]!.replace(/^[ \t]+/, '');
  if (key === '') throw new Error(`invalid label '${val}': empty name`);
  if (/[ \t]/.test(key)) throw new Error(`label '${key}' contains whitespaces`);
  return val;
}

export function validateAttach(val: string): string {
  const s = val.toLowerCase();
  if (['stdin', 'stdout', 'stderr'].includes(s)) return s;
  throw new Error('valid streams are STDIN, STDOUT and STDERR');
}

export function validateSysctl(val: string): string {
  const eq = val.indexOf('=');
  const key = eq === -1 ? '' : val.slice(0, eq);
  const ipc = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];
  if (key !== '' && (ipc.includes(key) || key.startsWith('net.') || key.startsWith('fs.mqueue.'))) return val;
  throw new Error(`sysctl '${val}' is not allowed`);
}

export function validateIp(val: string): string {
  const v = val.trim();
  if (!isIP(v)) throw new Error(`IP address is not correctly formatted: ${val}`);
  return v;
}

export function validateExtraHost(val: string): string {
  let sep = val.indexOf('=');
  if (sep === -1) sep = val.indexOf(':');
  const [k, v] = sep === -1 ? ['', ''] : [val.slice(0, sep), val.slice(sep + 1)];
  if (sep === -1 || k === '' || k.includes(':')) throw new Error(`bad format for add-host: ${JSON.stringify(val)}`);
  const addr = v.length > 2 && v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  if (v !== 'host-gateway' && !isIP(addr)) throw new Error(`invalid IP address in add-host: ${JSON.stringify(addr)}`);
  return `${k}:${v === 'host-gateway' ? v : addr}`;
}

export function validateDeviceCgroupRule(val: string): string {
  if (/^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$/.test(val)) return val;
  throw new Error(`invalid device cgroup format '${val}'`);
}

export function validateLink(val: string): string {
  if (val === '') throw new Error('empty string specified for links');
  if (val.split(':').length > 2) throw new Error(`bad format for links: ${val}`);
  return val;
}
