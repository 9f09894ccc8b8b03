// What a handler asks of an allowed request (guard.ts), answered by the rule that allowed it: its
// limits on the container, update, exec and image names the handler parsed, and on the existing
// containers the request acts on (existing-containers.ts). A refusal marks the request's audit
// line denied with the reason and throws the 403 that names the rule.
import { forbidden } from '../api/types/errors.ts';
import { parseReference } from '../image/reference.ts';
import type { AuditEntry } from './audit-entry.ts';
import { approveBinds, approveVolumeDevices, ceilings, containerProblem } from './container-limits.ts';
import { lookUp, type ExistingContainers, type Target } from './existing-containers.ts';
import type { RequestGuard } from './guard.ts';
import { imageAllowed } from './image-patterns.ts';
import { allowsClass, ruleLabel, type Policy, type Rule } from './policy.ts';

export interface GuardContext {
  rule: Rule;
  policy: Policy;
  /** The request's audit line, written when it is over. */
  entry: AuditEntry;
  containers: ExistingContainers | undefined;
}

export function ruleGuard({ rule, policy, entry, containers }: GuardContext): { guard: RequestGuard; actOn(target: Target): void } {
  const refuse = (reason: string, message = reason): never => {
    Object.assign(entry, { decision: 'deny', reason });
    throw forbidden(`authorization denied by ${ruleLabel(rule, policy)}: ${message}`);
  };
  const judge = (problem: string | undefined) => void (problem && refuse(problem));
  const existing = (target: Target) => (rule.all || !containers ? undefined : lookUp(containers, target));
  // A container the request acts on that this rule could not have made.
  const actOn = (target: Target): void => {
    const c = existing(target);
    if (c && target.kind === 'exec') entry.container ??= c.name;
    const problem = c && containerProblem(c.request, rule.limits);
    if (problem) refuse(`${target.kind} ${target.ref} is outside the rule's limits: ${problem}`);
  };
  // `--network container:X` runs in X's network namespace: the host's when root made X with
  // `--network host`. Joining is acting on X, so X must be a container the rule could make.
  const joined = (mode: string): void => {
    if (mode.startsWith('container:')) actOn({ kind: 'container', ref: mode.slice('container:'.length) });
  };
  const guard: RequestGuard = {
    container: (req) => {
      judge(rule.all ? undefined : containerProblem(req, rule.limits));
      // The mounts are the ones the create stores: each start mounts what was approved here.
      if (!rule.all) approveBinds(req.mounts);
      // And its o=bind volumes' devices, recorded with the volume (the first approval stands).
      if (!rule.all) approveVolumeDevices(req);
      joined(String(req.hostConfig.NetworkMode ?? ''));
    },
    buildRun: (hc) => {
      const mode = String(hc.NetworkMode ?? '');
      if (!rule.all && !rule.limits.hostNamespaces && mode === 'host') refuse('a build step on the host network is not allowed (host namespaces)');
      joined(mode);
    },
    update: (hc) => judge(rule.all ? undefined : ceilings(hc, rule.limits)),
    imageName: (name, action) => {
      const patterns = rule.all ? [] : rule.limits.images;
      const names = typeof name === 'string' ? [name] : name;
      if (!patterns.length || (names.length > 0 && !names.every(parses)) || imageAllowed(names, patterns)) return;
      refuse(`${action} of ${names.join(', ') || 'an image with no name'} is not allowed (images: ${patterns.join(', ')})`);
    },
    anyImage: (operation) => {
      const patterns = rule.all ? [] : rule.limits.images;
      if (patterns.length) refuse(`${operation} acts on images of any name, and this rule limits them (images: ${patterns.join(', ')})`);
    },
    requireClass: (needed, operation) => {
      if (!allowsClass(rule, needed)) refuse(`class ${needed} not allowed`, `it allows ${allowedClasses(rule)}, and ${operation} is ${needed}`);
    },
    named: (object) => void (entry.object ??= object),
    mayActOn: (ref) => {
      const c = existing({ kind: 'container', ref });
      return !c || containerProblem(c.request, rule.limits) === undefined;
    },
    otherContainer: (ref) => {
      entry.container ??= ref;
      actOn({ kind: 'container', ref });
    },
    exec: (req) => judge(rule.all || !req.privileged || rule.limits.privileged ? undefined : 'privileged exec is not allowed'),
  };
  return { guard, actOn };
}

/** The classes a rule gives, as a refusal lists them. */
export function allowedClasses(rule: Rule): string {
  return ['read-only', ...rule.classes].filter((c, i, all) => all.indexOf(c) === i).join(', ');
}

/** A name that is no reference is the handler's to refuse (400), with its own message. */
function parses(name: string): boolean {
  try {
    parseReference(name);
    return true;
  } catch {
    return false;
  }
}
