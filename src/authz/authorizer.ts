// The policy engine at the door: for each request, who is asking (identity.ts), what the route
// does (route-classes.ts) and which rule decides (policy.ts). A route without a class, a client
// no rule names, and a class the rule does not give are refused here, before the handler runs;
// what a request asks for (a container's privileges, mounts, image) is decided later, by the
// guard returned, on the object the handler parsed.
import type { IncomingMessage } from 'node:http';
import { forbidden } from '../api/types/errors.ts';
import { classOf } from './route-classes.ts';
import { allowsClass, firstMatch, ruleLabel, type Policy, type Rule } from './policy.ts';
import { describeIdentity, identify } from './identity.ts';
import { containerProblem } from './container-limits.ts';
import type { PeerCredentialReader } from './peer-credentials.ts';
import type { RequestGuard } from './guard.ts';

export interface AuthorizeRequest {
  req: IncomingMessage;
  /** The route as registered: "POST", "/containers/:id/start". */
  method: string;
  path: string;
  /** The listen address the request came in on. */
  address: string;
}

export class Authorizer {
  #policy: Policy;
  readonly #peers: PeerCredentialReader;

  constructor(policy: Policy, peers: PeerCredentialReader) {
    this.#policy = policy;
    this.#peers = peers;
  }

  get policy(): Policy {
    return this.#policy;
  }

  /** A new policy (SIGHUP); requests already past the door keep the rule they got. */
  replace(policy: Policy): void {
    this.#policy = policy;
  }

  /** The guard for an allowed request; throws a 403 for a refused one. */
  authorize(r: AuthorizeRequest): RequestGuard {
    const policy = this.#policy;
    const route = `${r.method} ${r.path}`;
    const cls = classOf(r.method, r.path);
    if (!cls) throw forbidden(`authorization denied by policy ${policy.file}: ${route} has no class, and unclassified routes are refused`);
    const id = identify(r.req.socket, r.address, this.#peers);
    const rule = firstMatch(policy, id);
    if (!rule) throw forbidden(`authorization denied by policy ${policy.file}: no rule matches ${describeIdentity(id)}`);
    if (!allowsClass(rule, cls)) {
      throw forbidden(`authorization denied by ${ruleLabel(rule, policy)}: it allows ${allowed(rule)}, and ${route} is ${cls}`);
    }
    return {
      container: (req) => {
        if (rule.all) return;
        const problem = containerProblem(req, rule.limits);
        if (problem) throw forbidden(`authorization denied by ${ruleLabel(rule, policy)}: ${problem}`);
      },
    };
  }
}

function allowed(rule: Rule): string {
  return ['read-only', ...rule.classes].filter((c, i, all) => all.indexOf(c) === i).join(', ');
}
