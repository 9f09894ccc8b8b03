// GET /events: the journal from `since` (if given), then live events until `until` (if given)
// or until the client goes away.
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { parseFilters, type Filters } from '../query.ts';
import { parseTimestampNano } from '../timestamps.ts';
import type { StoredEvent } from '../../store/events.ts';
import { EVENT_FILTERS, eventMatches, eventToWire } from '../../daemon/events/event-filter.ts';

export interface EventsBackend {
  history(sinceNano: bigint, untilNano?: bigint): StoredEvent[];
  subscribe(listener: (e: StoredEvent) => void): () => void;
}

export function eventsRoutes(backend: EventsBackend): Route[] {
  return [{ method: 'GET', path: '/events', handler: (ctx) => streamEvents(ctx, backend) }];
}

function contentTypeFor(ctx: RequestContext): { type: string; seq: boolean } {
  const accept = ctx.header('accept') ?? '';
  if (accept.includes('application/json-seq')) return { type: 'application/json-seq', seq: true };
  if (accept.includes('application/x-ndjson')) return { type: 'application/x-ndjson', seq: false };
  return { type: ctx.versionAtLeast('1.52') ? 'application/jsonl' : 'application/json', seq: false };
}

async function streamEvents(ctx: RequestContext, backend: EventsBackend): Promise<void> {
  const since = parseTimestampNano('since', ctx.query.get('since'));
  const until = parseTimestampNano('until', ctx.query.get('until'));
  const filters: Filters = parseFilters(ctx.query.get('filters'), EVENT_FILTERS);
  // API 1.52 dropped the legacy status/id/from of container and image events; berth keeps them
  // on every version: docker-compose 1.29 (Debian's) negotiates the server's newest API and its
  // `up` reads event['id'] — without them it fails with KeyError: 'id'. An extra field breaks
  // no client.
  const legacy = true;
  const { type, seq } = contentTypeFor(ctx);

  // Subscribe before reading the journal so nothing falls between the two; duplicates are
  // dropped by sequence number.
  const pending: StoredEvent[] = [];
  let live: ((e: StoredEvent) => void) | undefined;
  const unsubscribe = backend.subscribe((e) => (live ? live(e) : pending.push(e)));
  const out = ctx.stream(200, type);
  let lastSeq = 0;
  const write = (e: StoredEvent): void => {
    if (e.seq <= lastSeq) return;
    lastSeq = e.seq;
    if (until !== undefined && e.timeNano > until) return;
    if (!eventMatches(e, filters)) return;
    out.write((seq ? '\x1e' : '') + JSON.stringify(eventToWire(e, legacy)) + '\n');
  };

  const nowNano = BigInt(Date.now()) * 1_000_000n;
  if (since !== undefined) for (const e of backend.history(since, until)) write(e);
  for (const e of pending) write(e);
  if (until !== undefined && until <= nowNano) {
    unsubscribe();
    out.end();
    return;
  }
  live = write;
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = until !== undefined ? setTimeout(() => (out.end(), finish()), Number((until - nowNano) / 1_000_000n)) : undefined;
    ctx.onClose(finish);
  });
}
