// Looking at running containers: the processes in one (top) and its resource usage (stats,
// streamed once a second or sampled once).
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam } from '../query.ts';

export interface TopResponse {
  Titles: string[];
  /** null when no process matched, as dockerd's nil slice encodes. */
  Processes: string[][] | null;
}

export interface StatsRequest {
  stream: boolean;
  /** With stream=false: one sample at once instead of two a second apart (precpu filled). */
  oneShot: boolean;
  signal: AbortSignal;
}

/** A stats object in the wire shape (snake_case, uint64 counters as bigints). */
export type StatsObject = Record<string, unknown>;

export interface ContainerObserveBackend {
  /** ps_args as given ('' means dockerd's default, -ef). */
  top(id: string, psArgs: string): Promise<TopResponse>;
  /** Throws (not found) before anything is sent; then yields the objects to write. */
  stats(id: string, req: StatsRequest): Promise<AsyncIterable<StatsObject>>;
}

export function observeRoutes(b: ContainerObserveBackend): Route[] {
  return [
    { method: 'GET', path: '/containers/:id/top', handler: async (ctx) => ctx.sendJson(200, await b.top(ctx.params.id!, ctx.query.get('ps_args') ?? '')) },
    { method: 'GET', path: '/containers/:id/stats', handler: (ctx) => stats(ctx, b) },
  ];
}

async function stats(ctx: RequestContext, b: ContainerObserveBackend): Promise<void> {
  const stream = boolParam(ctx.query, 'stream', true);
  // one-shot arrived with API 1.41; older clients cannot ask for it.
  const oneShot = ctx.versionAtLeast('1.41') && boolParam(ctx.query, 'one-shot');
  const abort = new AbortController();
  ctx.onClose(() => abort.abort());
  const objects = await b.stats(ctx.params.id!, { stream, oneShot, signal: abort.signal });
  if (!stream) {
    for await (const o of objects) return ctx.sendText(200, encodeStats(o) + '\n', 'application/json');
    return;
  }
  const out = ctx.stream(200, 'application/json');
  try {
    for await (const o of objects) out.write(encodeStats(o) + '\n');
  } finally {
    out.end();
  }
}

const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** JSON with bigints written as exact numbers (2^64-1 limits, nanosecond counters). */
export function encodeStats(o: StatsObject): string {
  return JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? rawJSON(v.toString()) : v));
}
