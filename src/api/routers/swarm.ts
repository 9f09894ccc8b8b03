// berthd is a single-host engine: the swarm families answer dockerd's "not a swarm manager"
// 503, exactly as a dockerd that never joined a swarm does, so clients show the same message.
import type { Route, Method } from '../route.ts';
import { parseFilterShape } from '../query.ts';
import { unavailable } from '../types/errors.ts';

/** The lists whose `filters` dockerd parses before it looks for a manager: a malformed one is a
 * 400 there too (the names are checked by the manager, so any name passes here). */
const FILTERED_LISTS = new Set(['/nodes', '/services', '/tasks', '/secrets', '/configs']);

const NOT_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

const SWARM_ROUTES: [Method, string, string?][] = [
  ['GET', '/swarm'], ['POST', '/swarm/init'], ['POST', '/swarm/join'], ['POST', '/swarm/update'],
  ['GET', '/swarm/unlockkey'], ['POST', '/swarm/unlock'],
  ['GET', '/nodes'], ['GET', '/nodes/:id'], ['DELETE', '/nodes/:id'], ['POST', '/nodes/:id/update'],
  ['GET', '/services'], ['POST', '/services/create'], ['GET', '/services/:id'], ['DELETE', '/services/:id'],
  ['POST', '/services/:id/update'], ['GET', '/services/:id/logs'],
  ['GET', '/tasks'], ['GET', '/tasks/:id'], ['GET', '/tasks/:id/logs'],
  ['GET', '/secrets', '1.25'], ['POST', '/secrets/create', '1.25'], ['GET', '/secrets/:id', '1.25'],
  ['DELETE', '/secrets/:id', '1.25'], ['POST', '/secrets/:id/update', '1.25'],
  ['GET', '/configs', '1.30'], ['POST', '/configs/create', '1.30'], ['GET', '/configs/:id', '1.30'],
  ['DELETE', '/configs/:id', '1.30'], ['POST', '/configs/:id/update', '1.30'],
];

export function swarmRoutes(): Route[] {
  const routes: Route[] = SWARM_ROUTES.map(([method, path, minVersion]) => ({
    method,
    path,
    ...(minVersion && { minVersion }),
    handler: (ctx) => {
      if (method === 'GET' && FILTERED_LISTS.has(path)) parseFilterShape(ctx.query.get('filters'));
      throw unavailable(NOT_MANAGER);
    },
  }));
  routes.push({
    method: 'POST',
    path: '/swarm/leave',
    handler: () => {
      throw unavailable('This node is not part of a swarm');
    },
  });
  return routes;
}
