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
// reboot. A runtime is taken for crun or runc by its binary's name (after symlinks); a wrapper
// script under another name gets neither the shortcuts nor the early refusal, and then fails with
// its own message at start.
import { readFileSync, realpathSync, statfsSync } from 'node:fs';
import { basename } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
const CGROUP2_SUPER_MAGIC = 0x63677270;
const TMPFS_MAGIC = 0x01021994;

/** The binary's own name, symlinks resolved ("runc", "crun", ...). */
export function binaryName(path: string): string {
  try {
    return basename(realpathSync(path));
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
  if (!controllers) return undefined;
  return `crun cannot run containers on this host: cgroups in hybrid mode not supported (cgroup v1 with a v2 hierarchy at ${CGROUP_ROOT}/unified that holds controllers: ${controllers.split(/\s+/).join(', ')}); use runc, or a host booted with cgroup v2 only`;
}
