// What berthd knows about a runtime binary before running it: whether it keeps runc's state
// layout (runc-shortcuts.ts may then do its start and delete), and whether it can run containers
// on this host at all.
//
// The one refusal known in advance is crun's (every version up to 1.29): on a hybrid cgroup host
// (cgroup v1 controllers under a tmpfs at /sys/fs/cgroup, a v2 hierarchy at
// /sys/fs/cgroup/unified) whose v2 hierarchy holds any controller, `crun create` fails with
// "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"
// (libcrun/cgroup.c, libcrun_cgroup_enter). We look at the layout as crun does (statfs of the
// two mounts, then the v2 cgroup.controllers), once per daemon: the layout only changes with a
// reboot.
//
// The other: before 1.14, crun raises RLIMIT_MEMLOCK to infinity to load its device filter (an
// eBPF program) on cgroup v2, and gives up when it cannot ("setrlimit (RLIM_MEMLOCK): Operation
// not permitted"; crun commit 93064574). On a host whose memlock hard limit is finite and where
// berthd lacks CAP_SYS_RESOURCE (some VMs), every container with a device rule fails so — which
// is every one but the privileged. That needs crun's version: `crun --version` once per binary,
// at its first use, never at daemon start.
//
// A runtime is taken for crun or runc by its binary's name (after symlinks); a wrapper script
// under another name gets neither the shortcuts nor the early refusal, and then fails with its
// own message at start.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statfsSync } from 'node:fs';
import { basename } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
const CGROUP2_SUPER_MAGIC = 0x63677270;
const TMPFS_MAGIC = 0x01021994;

/** The binary's own name, symlinks resolved ("runc", "crun", ...). */
export function binaryName(path: string): string {
  try {
    return basename(realpathSync.native(path));
  } catch {
    return basename(path);
  }
}

let hybridControllers: string | null | undefined;

/** The controllers enabled in the v2 hierarchy of a hybrid host ('' for none); null when the
 * host is not hybrid (cgroup v2 only, or v1 only). */
export function hybridV2Controllers(): string | null {
  if (hybridControllers !== undefined) return hybridControllers;
  hybridControllers = null;
  try {
    if (statfsSync(CGROUP_ROOT).type === TMPFS_MAGIC && statfsSync(`${CGROUP_ROOT}/unified`).type === CGROUP2_SUPER_MAGIC) {
      hybridControllers = readFileSync(`${CGROUP_ROOT}/unified/cgroup.controllers`, 'utf8').trim();
    }
  } catch {
    // no unified mount: cgroup v1 only, which crun supports
  }
  return hybridControllers;
}

/** Why the runtime at `path` cannot run containers here, or undefined when nothing is known
 * against it. */
export function hostRefusal(path: string): string | undefined {
  if (binaryName(path) !== 'crun') return undefined;
  const controllers = hybridV2Controllers();
  if (controllers) {
    return `crun cannot run containers on this host: cgroups in hybrid mode not supported (cgroup v1 with a v2 hierarchy at ${CGROUP_ROOT}/unified that holds controllers: ${controllers.split(/\s+/).join(', ')}); use runc, or a host booted with cgroup v2 only`;
  }
  return memlockRefusal(path);
}

const SIZE_OF_CAP_SYS_RESOURCE = 24;
const versions = new Map<string, string>();

function memlockRefusal(path: string): string | undefined {
  if (statfsSync(CGROUP_ROOT).type !== CGROUP2_SUPER_MAGIC) return undefined;
  const hard = /^Max locked memory\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  const capEff = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`);
  if (hard === undefined || hard === 'unlimited' || (capEff >> BigInt(SIZE_OF_CAP_SYS_RESOURCE)) & 1n) return undefined;
  const version = crunVersion(path);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 1 || (major === 1 && minor >= 14)) return undefined;
  return `crun ${version} cannot run containers on this host: on cgroup v2 it raises RLIMIT_MEMLOCK to load its device filter, which needs CAP_SYS_RESOURCE or an unlimited memlock limit (here: ${hard} bytes, no CAP_SYS_RESOURCE); crun 1.14 and later do without, or use runc`;
}

/** "1.8.1" from `crun version 1.8.1`; "0" when it cannot be run. */
function crunVersion(path: string): string {
  let v = versions.get(path);
  if (v === undefined) {
    try {
      v = /crun version (\d+(?:\.\d+)*)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 5000 }))?.[1] ?? '0';
    } catch {
      v = '0';
    }
    versions.set(path, v);
  }
  return v;
}
