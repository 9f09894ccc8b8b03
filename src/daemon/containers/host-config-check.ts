// The one way create, update and start reach the limit checks: the body decoded as dockerd's Go
// decoder would (api/go-decode.ts over api/types/host-config-types.ts), then the rules of
// resource-rules.ts with this host's facts, then what dockerd stores made of the result.
import { statSync } from 'node:fs';
import { checkGoJson } from '../../api/go-decode.ts';
import { CREATE_REQUEST, UPDATE_CONFIG, RESOURCE_FIELDS } from '../../api/types/host-config-types.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { realtimeBudget, resourceSupport } from '../../runtime/cgroups/support.ts';
import { hostInfo } from '../../runtime/spec/host.ts';
import { RULES, type Limits, type RuleEnv } from './resource-rules.ts';
import { dropUnenforceable } from './rootless-drops.ts';
import { rootlessLimitsOnce } from '../system/rootless-limits.ts';
import type { HostConfig, ThrottleDevice } from '../../api/types/engine-api.ts';
import type { BlkioThrottle, DeviceMapping, Ulimit } from '../../runtime/spec/types.ts';

/** This host's facts, for a create's check (`update`: an update request's). */
export function hostRuleEnv(update = false): RuleEnv {
  return { support: resourceSupport(), update, nofileHostHard: hostInfo().nofileHardLimit, realtimeBudget: (parent) => realtimeBudget(parent), blockDeviceProblem, rootless: rootlessLimitsOnce() };
}

/** Runs the rules over `r`, dropping what the host cannot apply: the warnings, or a 400. */
export function applyRules(r: Limits, env: RuleEnv): string[] {
  const warnings: string[] = [];
  for (const rule of RULES) {
    if ('refuse' in rule) {
      const problem = rule.refuse(r, env);
      if (problem) throw invalidParameter(problem);
    } else if (rule.when(r, env)) {
      const warning = typeof rule.warn === 'function' ? rule.warn(r) : rule.warn;
      if (warning) warnings.push(warning);
      rule.drop(r);
    }
  }
  warnings.push(...dropUnenforceable(r, env.rootless));
  return warnings;
}

/** A create's body, checked; its HostConfig is left as dockerd stores it. Returns the warnings. */
export function checkCreateBody(body: Record<string, unknown>, env = hostRuleEnv()): string[] {
  checkGoJson(body, CREATE_REQUEST);
  const hc = body.HostConfig as Limits | null | undefined;
  if (!hc) return [];
  const warnings = applyRules(hc, env);
  storedAsDockerd(hc);
  return warnings;
}

/**
 * An update's body, checked alone as dockerd checks it (the merge is then checked as a create's):
 * the fields of UpdateConfig, the limits changed as dockerd would store them, and the warnings.
 * Other fields are not dockerd's to update (OomScoreAdj, say) and are left out.
 */
export function checkUpdateBody(body: unknown, env = hostRuleEnv(true)): { request: Limits; warnings: string[] } {
  checkGoJson(body, UPDATE_CONFIG);
  const request: Limits = {};
  for (const [k, v] of Object.entries((body ?? {}) as Limits)) if (Object.hasOwn(RESOURCE_FIELDS, k) || k === 'RestartPolicy') request[k] = v;
  return { request, warnings: applyRules(request, env) };
}

/** HostConfig's lists as the runtime takes them: an absent field of an entry is Go's zero
 * value, as dockerd's decoder leaves it (so a missing path fails as an empty one does there). */
export type StartHostConfig = Omit<HostConfig, 'Devices' | 'Ulimits' | 'BlkioWeightDevice' | ThrottleField> &
  { Devices?: DeviceMapping[] | null; Ulimits?: Ulimit[] | null; BlkioWeightDevice?: { Path: string; Weight: number }[] | null } &
  { [F in ThrottleField]?: BlkioThrottle[] | null };
type ThrottleField = 'BlkioDeviceReadBps' | 'BlkioDeviceWriteBps' | 'BlkioDeviceReadIOps' | 'BlkioDeviceWriteIOps';

/** A stored HostConfig as the spec should see it: checked again (a record older than these
 * checks may hold anything) and without what this host cannot apply. */
export function limitsForStart(hc: HostConfig, env = hostRuleEnv()): StartHostConfig {
  const copy = structuredClone(hc);
  applyRules(copy as Limits, env);
  const throttles = (l: ThrottleDevice[] | null | undefined) => l?.map((d) => ({ Path: d.Path ?? '', Rate: d.Rate ?? 0 }));
  return {
    ...copy,
    Devices: copy.Devices?.map((d) => ({ ...d, PathOnHost: d.PathOnHost ?? '' })),
    Ulimits: copy.Ulimits?.map((u) => ({ Name: u.Name ?? '', Soft: u.Soft ?? 0, Hard: u.Hard ?? 0 })),
    BlkioWeightDevice: copy.BlkioWeightDevice?.map((d) => ({ Path: d.Path ?? '', Weight: d.Weight ?? 0 })),
    BlkioDeviceReadBps: throttles(copy.BlkioDeviceReadBps),
    BlkioDeviceWriteBps: throttles(copy.BlkioDeviceWriteBps),
    BlkioDeviceReadIOps: throttles(copy.BlkioDeviceReadIOps),
    BlkioDeviceWriteIOps: throttles(copy.BlkioDeviceWriteIOps),
  };
}

function storedAsDockerd(hc: Limits): void {
  // 0 and negative pids limits mean none, kept as none so no limit reaches the runtime.
  if (typeof hc.PidsLimit === 'number' && hc.PidsLimit <= 0) hc.PidsLimit = null;
  // Ignored by dockerd since API 1.42 and 1.52 (an update never takes them); berthd never
  // applied them.
  delete hc.KernelMemory;
  delete hc.KernelMemoryTCP;
}

function blockDeviceProblem(path: string): string | undefined {
  try {
    return statSync(path).isBlockDevice() ? undefined : 'not a block device';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
  }
}
