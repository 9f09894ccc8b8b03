// cgroup limits and devices, as dockerd's WithResources/WithDevices. The limits are checked
// before they get here, at create, update and start (daemon/containers/resource-rules.ts, with
// dockerd's texts), so this only translates: a spec never carries a value runc would reject
// halfway through starting the container.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';
import type { DeviceMapping, HostInfo, OciDevice, OciDeviceCgroup, OciResources, ResourcesInput } from './types.ts';

/** MemorySwap as dockerd stores it and the spec applies it: 2 × Memory when only Memory was given. */
export function memorySwapOf(memory: number, swap: number): number {
  return memory > 0 && swap === 0 ? memory * 2 : swap;
}

export function cgroupResources(r: ResourcesInput = {}, host: Pick<HostInfo, 'blkioWeight' | 'swapLimit'>): OciResources {
  const out: OciResources = {};
  const memory = r.Memory ?? 0;
  const swap = memorySwapOf(memory, r.MemorySwap ?? 0);
  const reservation = r.MemoryReservation ?? 0;
  const sw = r.MemorySwappiness;
  const mem: NonNullable<OciResources['memory']> = {};
  if (memory > 0) mem.limit = memory;
  if (reservation > 0) mem.reservation = reservation;
  // -1 (unlimited) is left unset, as dockerd does; without swap accounting it cannot be set at all.
  if (swap > 0 && host.swapLimit) mem.swap = swap;
  if (sw != null && sw !== -1) mem.swappiness = sw;
  if (r.OomKillDisable != null) mem.disableOOMKiller = r.OomKillDisable;
  if (Object.keys(mem).length) out.memory = mem;

  const nano = r.NanoCpus ?? 0;
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.CpuShares) cpu.shares = r.CpuShares;
  if (r.CpusetCpus) cpu.cpus = r.CpusetCpus;
  if (r.CpusetMems) cpu.mems = r.CpusetMems;
  if (nano > 0) {
    // --cpus: a quota over the kernel's default 100ms period.
    cpu.period = 100000;
    cpu.quota = Math.floor((nano * 100000) / 1e9);
  }
  if (r.CpuPeriod) cpu.period = r.CpuPeriod;
  if (r.CpuQuota) cpu.quota = r.CpuQuota;
  if (r.CpuRealtimePeriod) cpu.realtimePeriod = r.CpuRealtimePeriod;
  if (r.CpuRealtimeRuntime) cpu.realtimeRuntime = r.CpuRealtimeRuntime;
  if (Object.keys(cpu).length) out.cpu = cpu;

  // PidsLimit 0 or negative means unlimited; runc wants -1 for that.
  if (r.PidsLimit != null) out.pids = { limit: r.PidsLimit > 0 ? r.PidsLimit : -1 };

  const blockIO = blockIoOf(r, host);
  if (Object.keys(blockIO).length) out.blockIO = blockIO;
  return out;
}

/** The weight and the per-device weights and throttles, each device by its major:minor. */
function blockIoOf(r: ResourcesInput, host: Pick<HostInfo, 'blkioWeight'>): NonNullable<OciResources['blockIO']> {
  const out: NonNullable<OciResources['blockIO']> = {};
  if ((r.BlkioWeight ?? 0) > 0 && host.blkioWeight) out.weight = r.BlkioWeight!;
  const numbers = (path: string) => {
    const d = deviceFromPath(path);
    if (d?.type !== 'b') throw invalidParameter(`invalid device "${path}": not a block device`);
    return { major: d.major, minor: d.minor };
  };
  const weights = (r.BlkioWeightDevice ?? []).map((d) => ({ ...numbers(d.Path), weight: d.Weight }));
  if (weights.length) out.weightDevice = weights;
  for (const [field, key] of THROTTLE_KEYS) {
    const list = (r[field] ?? []).map((d) => ({ ...numbers(d.Path), rate: d.Rate }));
    if (list.length) out[key] = list;
  }
  return out;
}

const THROTTLE_KEYS = [
  ['BlkioDeviceReadBps', 'throttleReadBpsDevice'],
  ['BlkioDeviceWriteBps', 'throttleWriteBpsDevice'],
  ['BlkioDeviceReadIOps', 'throttleReadIOPSDevice'],
  ['BlkioDeviceWriteIOps', 'throttleWriteIOPSDevice'],
] as const;

/** Docker's default device cgroup: deny all, then the devices every container needs; never fuse. */
export function defaultDeviceRules(): OciDeviceCgroup[] {
  const allow = (major: number, minor: number): OciDeviceCgroup => ({ allow: true, type: 'c', major, minor, access: 'rwm' });
  return [
    { allow: false, access: 'rwm' },
    allow(1, 5), // zero
    allow(1, 3), // null
    allow(1, 9), // urandom
    allow(1, 8), // random
    allow(5, 0), // tty
    allow(5, 1), // console
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }, // fuse
  ];
}

/** A device node as the OCI spec wants it, or undefined if `path` is not one. */
export function deviceFromPath(path: string): OciDevice | undefined {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!st) return undefined;
  const type = st.isBlockDevice() ? 'b' : st.isCharacterDevice() ? 'c' : st.isFIFO() ? 'p' : undefined;
  if (!type) return undefined;
  const dev = st.rdev;
  // glibc's major()/minor() of the 64-bit dev_t
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { type, path, major, minor, fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) };
}

/** Every device under /dev for a privileged container (containerd's HostDevices skips these). */
export function hostDevices(dir = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'].includes(entry.name)) out.push(...hostDevices(path));
    } else if (entry.name !== 'console' && !entry.isSymbolicLink()) {
      const d = deviceFromPath(path);
      if (d && d.type !== 'p') out.push(d);
    }
  }
  return out;
}

/** `--device` entries: a node, or a directory of nodes mapped below PathInContainer. */
export function mapDevices(mappings: readonly DeviceMapping[]): { devices: OciDevice[]; rules: OciDeviceCgroup[] } {
  const devices: OciDevice[] = [];
  const rules: OciDeviceCgroup[] = [];
  for (const m of mappings) {
    const access = m.CgroupPermissions || 'rwm';
    if (!/^[rwm]{1,3}$/.test(access)) throw invalidParameter(`invalid device cgroup permissions: ${access}`);
    const target = m.PathInContainer || m.PathOnHost;
    const one = deviceFromPath(m.PathOnHost);
    const found = one ? [{ ...one, path: target }] : walkDevices(m.PathOnHost, target);
    if (found.length === 0) {
      // dockerd's texts: a path that is not there says so (the docker CLI then exits 127).
      const why = existsSync(m.PathOnHost) ? 'not a device node' : 'no such file or directory';
      throw invalidParameter(`error gathering device information while adding custom device "${m.PathOnHost}": ${why}`);
    }
    for (const d of found) {
      devices.push(d);
      rules.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access });
    }
  }
  return { devices, rules };
}

function walkDevices(dir: string, target: string): OciDevice[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const d = deviceFromPath(join(dir, e.name));
    if (d) return [{ ...d, path: join(target, e.name) }];
    return e.isDirectory() ? walkDevices(join(dir, e.name), join(target, e.name)) : [];
  });
}

/** `--device-cgroup-rule 'c 42:* rmw'`: dockerd's format; `*` is -1 in the spec (any). */
export function parseDeviceCgroupRules(rules: readonly string[]): OciDeviceCgroup[] {
  return rules.map((rule) => {
    const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule);
    if (!m) throw invalidParameter(`invalid device cgroup rule format: '${rule}'`);
    return { allow: true, type: m[1]!, major: m[2] === '*' ? -1 : Number(m[2]), minor: m[3] === '*' ? -1 : Number(m[3]), access: m[4]! };
  });
}
