// GET /berth/audit: the audit log as JSON lines, oldest first, narrowed by `since`, `until` and
// `filters` (AUDIT_FILTERS) — what `berth system audit` prints; with `follow`, then the lines
// written after, as they are written, until the client goes (or `until` passes). A route of
// berth's own rather than the CLI reading the file: the CLI is stateless and often talks to a
// daemon on another host (tcp+TLS, ssh://), and the file is root's (0600); through the API the
// policy decides who may read it (the route is of the "system" class: admins only) and the
// reading is audited too.
import type { Route } from '../api/route.ts';
import type { RequestContext } from '../api/context.ts';
import { boolParam, parseFilters } from '../api/query.ts';
import { parseTimestampNano } from '../api/timestamps.ts';
import { notFound } from '../api/types/errors.ts';
import type { AuditFile } from './audit-read.ts';
import type { AuditFollower } from './audit-log.ts';

export interface AuditSource {
  /** The files as they are once queued lines are written; `follow` gets every later batch. */
  snapshot(follow?: AuditFollower): Promise<AuditFile[]>;
  unfollow(follower: AuditFollower): void;
}

export interface AuditBackend {
  /** The running policy's audit log; undefined without a policy (and so without a log). */
  source(): AuditSource | undefined;
}

export function auditRoutes(backend: AuditBackend): Route[] {
  return [{ method: 'GET', path: '/berth/audit', handler: (ctx) => streamAudit(ctx, backend) }];
}

async function streamAudit(ctx: RequestContext, backend: AuditBackend): Promise<void> {
  const [{ AUDIT_FILTERS, auditLines, auditMatcher }, { readUnixNames }, { AuditTail }] = await Promise.all([
    import('./audit-read.ts'), import('./unix-names.ts'), import('./audit-follow.ts'),
  ]);
  const since = parseTimestampNano('since', ctx.query.get('since'));
  const until = parseTimestampNano('until', ctx.query.get('until'));
  const untilMs = until === undefined ? undefined : Number(until / 1_000_000n);
  const filters = parseFilters(ctx.query.get('filters'), AUDIT_FILTERS);
  let names: ReturnType<typeof readUnixNames> | undefined;
  const matches = auditMatcher(
    { ...(since !== undefined && { sinceMs: Number(since / 1_000_000n) }), ...(untilMs !== undefined && { untilMs }), filters },
    () => (names ??= readUnixNames()),
  );
  const source = backend.source();
  if (!source) throw notFound('berthd has no audit log: it runs without an authorization policy (--authz-policy)');
  const tail = boolParam(ctx.query, 'follow') && (untilMs === undefined || untilMs > Date.now()) ? new AuditTail(matches) : undefined;
  const files = await source.snapshot(tail);
  const out = ctx.stream(200, 'application/x-ndjson');
  let gone = false;
  const closed = new Promise<void>((resolve) => ctx.onClose(() => resolve(void (gone = true))));
  for await (const line of auditLines(files)) {
    if (gone) break;
    if (!matches(line)) continue;
    // A slow reader holds the stream, not berthd's memory: wait while its buffer is full.
    if (!out.write(JSON.stringify(line) + '\n')) await Promise.race([new Promise((r) => out.once('drain', r)), closed]);
  }
  if (tail && !gone) {
    tail.start(out);
    await Promise.race([closed, tail.ended, passing(untilMs)]);
  }
  if (tail) source.unfollow(tail);
  out.end();
}

/** Settles when `untilMs` has passed; never without one (or one past what a timer can wait). */
function passing(untilMs: number | undefined): Promise<void> {
  const wait = untilMs === undefined ? Infinity : untilMs - Date.now();
  if (!(wait <= 2 ** 31 - 1)) return new Promise(() => {});
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)).unref());
}
