// What each API route does, in the words a policy uses. The table is keyed by the route exactly
// as a router registers it ("METHOD path"), so a new route has no class until someone decides
// one: the policy engine denies it, and route-classes.test.ts fails on it.
//
// Reading is split from reading *contents*: `logs` is read-only (the monitoring role
// reads logs), but exporting a container's files, copying out of it or saving an image hands out
// data a monitor has no business with, so those belong to their resource's class. (GET /images/*
// is also the save of one image: its handler asks the guard for the images class then.)

export const ROUTE_CLASSES = ['read-only', 'containers', 'images', 'networks', 'volumes', 'exec', 'build', 'system'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

const TABLE: Record<RouteClass, readonly string[]> = {
  'read-only': [
    'GET /_ping', 'HEAD /_ping', 'GET /version', 'GET /info', 'GET /events', 'GET /system/df',
    'GET /containers/json', 'GET /containers/:id/json', 'GET /containers/:id/logs', 'GET /containers/:id/top',
    'GET /containers/:id/stats', 'GET /containers/:id/changes', 'GET /exec/:id/json',
    // Waiting for an exit changes nothing (the condition only says which exit to report).
    'POST /containers/:id/wait',
    'GET /images/json', 'GET /images/*', 'GET /networks', 'GET /networks/:id', 'GET /volumes', 'GET /volumes/:name',
    'GET /plugins', 'GET /plugins/:name/json',
    'GET /swarm', 'GET /nodes', 'GET /nodes/:id', 'GET /services', 'GET /services/:id', 'GET /services/:id/logs',
    'GET /tasks', 'GET /tasks/:id', 'GET /tasks/:id/logs', 'GET /secrets', 'GET /secrets/:id', 'GET /configs', 'GET /configs/:id',
  ],
  containers: [
    'POST /containers/create', 'DELETE /containers/:id', 'DELETE /containers/*', 'POST /containers/:id/rename', 'POST /containers/prune',
    'POST /containers/:id/start', 'POST /containers/:id/stop', 'POST /containers/:id/restart', 'POST /containers/:id/update',
    'POST /containers/:id/pause', 'POST /containers/:id/unpause', 'POST /containers/:id/kill',
    'POST /containers/:id/attach', 'GET /containers/:id/attach/ws', 'POST /containers/:id/resize',
    'GET /containers/:id/archive', 'HEAD /containers/:id/archive', 'PUT /containers/:id/archive', 'GET /containers/:id/export',
  ],
  // A commit makes an image out of a container: it writes images, so it is the images class.
  images: [
    'POST /images/create', 'POST /images/load', 'GET /images/get', 'POST /images/prune', 'GET /images/search', 'POST /images/*',
    'DELETE /images/*', 'GET /distribution/*', 'POST /commit', 'POST /auth',
  ],
  networks: ['POST /networks/create', 'DELETE /networks/:id', 'POST /networks/:id/connect', 'POST /networks/:id/disconnect', 'POST /networks/prune'],
  volumes: ['POST /volumes/create', 'DELETE /volumes/:name', 'POST /volumes/prune'],
  exec: ['POST /containers/:id/exec', 'POST /exec/:id/start', 'POST /exec/:id/resize'],
  // The build cache is the builder's: whoever may build may prune it (`docker builder prune`);
  // what it holds is shown by GET /system/df, which is read-only like every other listing.
  build: ['POST /build', 'POST /build/prune'],
  // Reading the audit log shows everyone's requests: an admin's business.
  system: [
    'GET /berth/audit', 'DELETE /plugins/:name',
    'POST /swarm/init', 'POST /swarm/join', 'POST /swarm/update', 'GET /swarm/unlockkey', 'POST /swarm/unlock', 'POST /swarm/leave',
    'DELETE /nodes/:id', 'POST /nodes/:id/update', 'POST /services/create', 'DELETE /services/:id', 'POST /services/:id/update',
    'POST /secrets/create', 'DELETE /secrets/:id', 'POST /secrets/:id/update', 'POST /configs/create', 'DELETE /configs/:id', 'POST /configs/:id/update',
  ],
};

const BY_ROUTE: ReadonlyMap<string, RouteClass> = new Map(
  Object.entries(TABLE).flatMap(([cls, routes]) => routes.map((r) => [r, cls as RouteClass] as const)),
);

/** The class of a route as registered ("POST", "/containers/create"), or undefined. */
export function classOf(method: string, path: string): RouteClass | undefined {
  return BY_ROUTE.get(`${method} ${path}`);
}

// Routes that need a second class besides their own. A commit writes an image (images) out of a
// container's files, which `save` then hands out: reading a container's contents is the
// containers class (as export is), so a rule with images alone may not commit.
const ALSO: ReadonlyMap<string, RouteClass> = new Map([['POST /commit', 'containers']]);

/** The class a route needs besides its own, or undefined. */
export function alsoNeeded(method: string, path: string): RouteClass | undefined {
  return ALSO.get(`${method} ${path}`);
}

/** Every entry of the table, for the test that checks it against the routers. */
export function classifiedRoutes(): string[] {
  return [...BY_ROUTE.keys()];
}
