// A route: one operation of the Engine API. Routers (one per resource) return lists of these;
// the server takes a `/vX.Y` prefix off and looks the rest up (router.ts).
import type { RequestContext } from './context.ts';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  handler: (ctx: RequestContext) => Promise<void> | void;
  /** Oldest API version that has this operation (dockerd answers 400 below it). */
  minVersion?: string;
  /** The operation takes over the connection when the client sends `Upgrade: tcp`. */
  hijack?: boolean;
}
