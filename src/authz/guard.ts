// What a handler asks of the request's authorization once it has parsed the request into what
// berthd will act on. The server makes one per request (authorizer.ts) when a policy is active;
// without a policy there is none and handlers check nothing.
import type { ContainerRequest } from './container-limits.ts';

export interface RequestGuard {
  /** Throws a 403 (naming the rule) when the rule's limits do not allow this container. */
  container(req: ContainerRequest): void;
  /** The same for an exec in a container (`docker exec --privileged`). */
  exec(req: { privileged: boolean }): void;
}
