// What a rootless berthd can enforce of a container's cgroup limits. Inside its user namespace
// the cgroup v1 hierarchies still belong to the host's root: neither berthd nor runc can make a
// cgroup there, so on a v1 host (these machines) no limit can be applied at all. On v2 the limits
// work in a cgroup delegated to the user (systemd's Delegate=yes), for the controllers delegated.
// berthd refuses nothing for it and drops nothing silently: `info` says which limits cannot be
// enforced, and a create (or update) that asks for one gets it dropped with a warning — where
// dockerd rootless on v1 warns in `info` only.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupFacts, type CgroupFacts } from './host-facts.ts';
import { rootlessChild } from '../../rootless/env.ts';

export interface RootlessLimits {
  /** Why no limit can be enforced, for the warnings; undefined when the delegated cgroup allows some. */
  problem?: string;
  /** What would make them enforceable. */
  hint?: string;
  /** v2 controllers delegated to this berthd (empty on v1). */
  controllers: string[];
}

const DELEGATE_HINT = 'To delegate them, give user@.service a systemd drop-in with "[Service]" and "Delegate=cpu cpuset io memory pids".';

/** The rootless facts of this process (inside the namespaces of src/rootless/launch.ts), or
 * undefined for a rootful berthd. */
export function rootlessLimits(rootless = rootlessChild() !== undefined, facts: CgroupFacts = cgroupFacts(), root = '/sys/fs/cgroup'): RootlessLimits | undefined {
  if (!rootless) return undefined;
  if (facts.version === '1') {
    return {
      controllers: [],
      problem: 'berthd runs rootless on a cgroup v1 host, where an unprivileged user cannot be given cgroups',
      hint: 'To enforce them, boot the host with cgroup v2 (kernel parameter systemd.unified_cgroup_hierarchy=1) and run berthd from its systemd user unit (bin/berthd-rootless-setup install).',
    };
  }
  const own = /^0::(.*)$/m.exec(read('/proc/self/cgroup'))?.[1] ?? '/';
  const dir = join(root, own);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return {
      controllers: [],
      problem: `berthd runs rootless in a cgroup it cannot write (${own})`,
      hint: 'To enforce them, start berthd from its systemd user unit (bin/berthd-rootless-setup install), which has a cgroup delegated to it.',
    };
  }
  const controllers = read(join(dir, 'cgroup.controllers')).split(/\s+/).filter(Boolean);
  if (controllers.length) return { controllers };
  return { controllers, problem: `no cgroup controller is delegated to berthd's cgroup (${own})`, hint: DELEGATE_HINT };
}

/** The text of `info`'s warning, when limits cannot (all) be enforced. */
export function rootlessInfoWarnings(rl: RootlessLimits | undefined): string[] {
  if (!rl) return [];
  if (rl.problem) {
    return [`WARNING: ${rl.problem}: memory, CPU, cpuset, pids and block I/O limits cannot be enforced. Containers asking for them run without them, and their create answer says so. ${rl.hint ?? ''}`.trimEnd()];
  }
  const missing = ['memory', 'cpu', 'cpuset', 'pids', 'io'].filter((c) => !rl.controllers.includes(c));
  if (missing.length === 0) return [];
  return [`WARNING: berthd runs rootless and these cgroup controllers are not delegated to it: ${missing.join(', ')}. The limits they carry are dropped from containers, and the create answer says which. ${DELEGATE_HINT}`];
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

let once: { value: RootlessLimits | undefined } | undefined;
/** rootlessLimits() read once: neither the marker nor the cgroups change while berthd runs. */
export function rootlessLimitsOnce(): RootlessLimits | undefined {
  once ??= { value: rootlessLimits() };
  return once.value;
}
