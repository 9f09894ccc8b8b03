// Managed plugins are not supported: the list is empty and any named plugin is not found.
import type { Route } from '../route.ts';
import { parseFilters } from '../query.ts';
import { notFound } from '../types/errors.ts';

/** dockerd's names (the API reference says `enable`; dockerd refuses that one). */
const PLUGIN_FILTERS = ['capability', 'enabled'];

export function pluginRoutes(): Route[] {
  const missing = (name: string) => {
    throw notFound(`plugin "${name}" not found`);
  };
  return [
    { method: 'GET', path: '/plugins', handler: (ctx) => (parseFilters(ctx.query.get('filters'), PLUGIN_FILTERS), ctx.sendJson(200, [])) },
    { method: 'GET', path: '/plugins/:name/json', handler: (ctx) => missing(ctx.params.name ?? '') },
    { method: 'DELETE', path: '/plugins/:name', handler: (ctx) => missing(ctx.params.name ?? '') },
  ];
}
