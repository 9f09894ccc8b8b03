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
import { allowedClasses, ruleGuard } from './rule-guard.ts';
import { describeIdentity, identify } from './identity.ts';
import { objectOf, startEntry, type AuditEntry } from './audit-entry.ts';
import type { PeerCredentialReader } from './peer-credentials.ts';
import type { RequestGuard } from './guard.ts';
import type { AuditLog } from './audit-log.ts';
import { userNameOf } from './unix-names.ts';
import { targetOf, type ExistingContainers } from './existing-containers.ts';

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
        throw deny(rule, `class ${needed} not allowed`, `authorization denied by ${ruleLabel(rule, policy)}: it allows ${allowedClasses(rule)}, and ${route} is ${needed}`);
      }
    }
    const { guard, actOn } = ruleGuard({ rule, policy, entry, containers: this.#containers });
    const target = cls === 'read-only' ? undefined : targetOf(route, r.params, r.query);
    if (target?.kind === 'container' && r.path === '/commit') entry.container = target.ref;
    try {
      if (target) actOn(target);
    } catch (err) {
      write(403, 0); // no `finish` after a throw
      throw err;
    }
    return {
      guard,
      finish: (status) => {
        write(status, Math.round((performance.now() - started) * 10) / 10);
      },
    };
  }
}

export type { RouteClass };
