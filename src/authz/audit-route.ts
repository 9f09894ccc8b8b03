// GET /berth/audit: the audit log as JSON lines, oldest first, narrowed by `since`, `until` and
// `filters` (AUDIT_FILTERS) — what `berth system audit` prints. A route of berth's own rather
// than the CLI reading the file: the CLI is stateless and often talks to a daemon on another
// host (tcp+TLS, ssh://), and the file is root's (0600); through the API the policy decides who
// may read it (the route is of the "system" class: admins only) and the reading is audited too.
import type { Route } from '../api/route.ts';
import type { RequestContext } from '../api/context.ts';
import { parseFilters } from '../api/query.ts';
import { parseTimestampNano } from '../api/timestamps.ts';
import { notFound } from '../api/types/errors.ts';

export interface AuditSource {
  file: string;
  maxFile: number;
  /** Lines queued by requests already answered, written before the files are read. */
  flush(): Promise<void>;
}

export interface AuditBackend {
  /** The running policy's audit log; undefined without a policy (and so without a log). */
  source(): AuditSource | undefined;
}

export function auditRoutes(backend: AuditBackend): Route[] {
  return [{ method: 'GET', path: '/berth/audit', handler: (ctx) => streamAudit(ctx, backend) }];
}

async function streamAudit(ctx: RequestContext, backend: AuditBackend): Promise<void> {
  const { AUDIT_FILTERS, auditLines, auditMatcher, openAuditFiles } = await import('./audit-read.ts');
  const { readUnixNames } = await import('./unix-names.ts');
  const since = parseTimestampNano('since', ctx.query.get('since'));
  const until = parseTimestampNano('until', ctx.query.get('until'));
  const filters = parseFilters(ctx.query.get('filters'), AUDIT_FILTERS);
  let names: ReturnType<typeof readUnixNames> | undefined;
  const matches = auditMatcher(
    { ...(since !== undefined && { sinceMs: Number(since / 1_000_000n) }), ...(until !== undefined && { untilMs: Number(until / 1_000_000n) }), filters },
    () => (names ??= readUnixNames()),
  );
  const source = backend.source();
  if (!source) throw notFound('berthd has no audit log: it runs without an authorization policy (--authz-policy)');
  await source.flush();
  const fds = openAuditFiles(source.file, source.maxFile);
  let gone = false;
  const closed = new Promise<void>((resolve) => ctx.onClose(() => resolve(void (gone = true))));
  const out = ctx.stream(200, 'application/x-ndjson');
  for await (const line of auditLines(fds)) {
    if (gone) break;
    if (!matches(line)) continue;
    // A slow reader holds the stream, not berthd's memory: wait while its buffer is full.
    if (!out.write(JSON.stringify(line) + '\n')) await Promise.race([new Promise((r) => out.once('drain', r)), closed]);
  }
  out.end();
}
