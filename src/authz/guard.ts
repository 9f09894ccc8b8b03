// What a handler asks of the request's authorization once it has parsed the request into what
// berthd will act on. The server makes one per request (authorizer.ts) when a policy is active;
// without a policy there is none and handlers check nothing.
import type { ContainerRequest } from './container-limits.ts';
import type { RouteClass } from './route-classes.ts';
import type { HostConfig } from '../api/types/engine-api.ts';

export interface RequestGuard {
  /** Throws a 403 (naming the rule) when the rule's limits do not allow this container. */
  container(req: ContainerRequest): void;
  /** The same for the HostConfig a container update would leave (its ceilings). */
  update(hostConfig: HostConfig): void;
  /** A build step's container (a RUN): on the host's network, or another container's, only
   * as a create could be (`docker build --network host`, `RUN --network=host`). */
  buildRun(hostConfig: HostConfig): void;
  /** The same for an exec in a container (`docker exec --privileged`). */
  exec(req: { privileged: boolean }): void;
  /** An image name a request pulls, pushes, tags or imports as: within the rule's image
   * patterns (else a name the patterns allow could be put on any image). Several names (an
   * image named by its id): allowed when any of them is. */
  imageName(name: string | readonly string[], action: string): void;
  /** An operation on images whatever their names (an image prune): refused when the rule
   * limits image names, since it would act on images outside them. */
  anyImage(operation: string): void;
  /** The object a request names only in its body (a volume's or network's create): the audit
   * line's `object`, which the door could not take from the path or the query. */
  named(object: string): void;
  /** A container the request names only in its body (network connect, disconnect): named in
   * the audit line, and refused unless the rule could have made it (existing-containers.ts). */
  otherContainer(idOrName: string): void;
  /** Whether the rule may act on this existing container (a prune leaves the others). */
  mayActOn(idOrName: string): boolean;
  /** For an operation that shares a route with lighter ones (GET /images/* is inspect and
   * history, but also save): throws unless the rule allows `cls`. */
  requireClass(cls: RouteClass, operation: string): void;
}
