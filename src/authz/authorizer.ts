// The policy engine at the door: for each request, who is asking (identity.ts), what the route
// does (route-classes.ts) and which rule decides (policy.ts). A route without a class, a client
// no rule names, a class the rule does not give, and — for a rule with limits — an existing
// container the rule could not have made (existing-containers.ts) are refused here, before the
// handler runs; what a request asks for (a container's privileges, mounts, image) is decided
// later, by the guard returned, on the object the handler parsed. Each decision goes to the
// audit log.
import type { IncomingMessage } from 'node:http';
import { forbidden, type BerthError } from '../api/types/errors.ts';
import { alsoNeeded, classOf, type RouteClass } from './route-classes.ts';
import { allowsClass, firstMatch, ruleLabel, type Policy, type Rule } from './policy.ts';
import { describeIdentity, identify } from './identity.ts';
import { ceilings, containerProblem } from './container-limits.ts';
import { imageAllowed } from './image-patterns.ts';
import { parseReference } from '../image/reference.ts';
import { objectOf, startEntry, type AuditEntry } from './audit-entry.ts';
import type { PeerCredentialReader } from './peer-credentials.ts';
import type { RequestGuard } from './guard.ts';
import type { AuditLog } from './audit-log.ts';
import { userNameOf } from './unix-names.ts';
import { lookUp, targetOf, type ExistingContainers, type Target } from './existing-containers.ts';

export type { ExistingContainers };

export interface AuthorizeRequest {
  req: IncomingMessage;
  /** The route as registered: "POST", "/containers/:id/start". */
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The listen address the request came in on. */
  address: string;
}

/** An allowed request: its guard, and `finish` to call with its status once it is over. */
export interface Authorized {
  guard: RequestGuard;
  finish(status: number): void;
}

export interface AuditSettings {
  log: AuditLog;
  /** Also requests that only read (else only those that change state or hand out contents). */
  allRequests: boolean;
}

export class Authorizer {
  #policy: Policy;
  readonly #peers: PeerCredentialReader | undefined;
  #audit: AuditSettings | undefined;
  readonly #containers: ExistingContainers | undefined;

  /** `peers` undefined: unix clients are not identified (setup.ts allows that only for a
   * policy that names no user or group). */
  constructor(policy: Policy, peers: PeerCredentialReader | undefined, audit?: AuditSettings, containers?: ExistingContainers) {
    this.#policy = policy;
    this.#peers = peers;
    this.#audit = audit;
    this.#containers = containers;
  }

  get identifiesPeers(): boolean {
    return this.#peers !== undefined;
  }

  get policy(): Policy {
    return this.#policy;
  }

  get audit(): AuditSettings | undefined {
    return this.#audit;
  }

  /** A new policy (SIGHUP); requests already past the door keep the rule they got. */
  replace(policy: Policy, audit: AuditSettings | undefined): void {
    this.#policy = policy;
    this.#audit = audit;
  }

  /** The guard for an allowed request; throws a 403 for a refused one. */
  authorize(r: AuthorizeRequest): Authorized {
    const [policy, audit] = [this.#policy, this.#audit];
    const route = `${r.method} ${r.path}`;
    const cls = classOf(r.method, r.path);
    const id = identify(r.req.socket, r.address, this.#peers);
    const entry = startEntry(id, { method: r.method, route, path: r.req.url ?? '', object: objectOf(r.params, r.query), cls });
    const started = performance.now();
    const audited = audit !== undefined && (audit.allRequests || cls !== 'read-only');
    const write = (status: number, ms: number): void => {
      if (!audited) return;
      const user = entry.uid === undefined ? undefined : userNameOf(entry.uid);
      audit.log.record({ ...entry, ...(user !== undefined && { user }), status, ms } satisfies AuditEntry);
    };
    const deny = (rule: Rule | undefined, reason: string, message: string): BerthError => {
      Object.assign(entry, { decision: 'deny', rule: rule?.name ?? null, reason });
      write(403, 0);
      return forbidden(message);
    };
    if (!cls) throw deny(undefined, 'unclassified route', `authorization denied by policy ${policy.file}: ${route} has no class, and unclassified routes are refused`);
    const rule = firstMatch(policy, id);
    if (!rule) throw deny(undefined, 'no rule matches', `authorization denied by policy ${policy.file}: no rule matches ${describeIdentity(id)}`);
    entry.rule = rule.name;
    for (const needed of [cls, alsoNeeded(r.method, r.path)]) {
      if (needed && !allowsClass(rule, needed)) {
        throw deny(rule, `class ${needed} not allowed`, `authorization denied by ${ruleLabel(rule, policy)}: it allows ${allowed(rule)}, and ${route} is ${needed}`);
      }
    }
    // A refusal of what the parsed request asks for: the audit line says why (status 403 then).
    const refuse = (reason: string, message = reason): never => {
      Object.assign(entry, { decision: 'deny', reason });
      throw forbidden(`authorization denied by ${ruleLabel(rule, policy)}: ${message}`);
    };
    const judge = (problem: string | undefined) => void (problem && refuse(problem));
    // A container the request acts on that this rule could not have made (existing-containers.ts).
    const actOn = (target: Target): void => {
      const c = rule.all || !this.#containers ? undefined : lookUp(this.#containers, target);
      if (c && target.kind === 'exec') entry.container ??= c.name;
      const problem = c && containerProblem(c.request, rule.limits);
      if (problem) refuse(`${target.kind} ${target.ref} is outside the rule's limits: ${problem}`);
    };
    const target = cls === 'read-only' ? undefined : targetOf(route, r.params, r.query);
    if (target?.kind === 'container' && r.path === '/commit') entry.container = target.ref;
    try {
      if (target) actOn(target);
    } catch (err) {
      write(403, 0); // no `finish` after a throw
      throw err;
    }
    return {
      guard: {
        container: (req) => judge(rule.all ? undefined : containerProblem(req, rule.limits)),
        update: (hc) => judge(rule.all ? undefined : ceilings(hc, rule.limits)),
        imageName: (name, action) => {
          const patterns = rule.all ? [] : rule.limits.images;
          const names = typeof name === 'string' ? [name] : name;
          if (!patterns.length || (names.length > 0 && !names.every(parses)) || imageAllowed(names, patterns)) return;
          refuse(`${action} of ${names.join(', ') || 'an image with no name'} is not allowed (images: ${patterns.join(', ')})`);
        },
        requireClass: (needed, operation) => {
          if (!allowsClass(rule, needed)) refuse(`class ${needed} not allowed`, `it allows ${allowed(rule)}, and ${operation} is ${needed}`);
        },
        named: (object) => void (entry.object ??= object),
        mayActOn: (ref) => {
          const c = rule.all || !this.#containers ? undefined : this.#containers.container(ref);
          return !c || containerProblem(c.request, rule.limits) === undefined;
        },
        otherContainer: (ref) => {
          entry.container ??= ref;
          actOn({ kind: 'container', ref });
        },
        exec: (req) => judge(rule.all || !req.privileged || rule.limits.privileged ? undefined : 'privileged exec is not allowed'),
      },
      finish: (status) => {
        write(status, Math.round((performance.now() - started) * 10) / 10);
      },
    };
  }
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

function allowed(rule: Rule): string {
  return ['read-only', ...rule.classes].filter((c, i, all) => all.indexOf(c) === i).join(', ');
}

export type { RouteClass };
