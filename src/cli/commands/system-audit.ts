// berth system audit: the daemon's authorization audit log (GET /berth/audit, a route of berth's
// own: the daemon may be remote, and its policy decides who may read the log), narrowed by
// time and filters on the daemon's side, printed as a table or through --format; --follow
// then prints the lines berthd writes, as it writes them (one line each: a table cannot be
// aligned before its last row is known).
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import type { CliEnv } from '../cli-env.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { toApiTimestamp } from '../time-arg.ts';
import { printRows } from '../output.ts';
import { rowPrinter } from '../format/index.ts';

interface AuditFlags {
  since?: string;
  until?: string;
  filter?: string[];
  format?: string;
  follow?: boolean;
  trunc?: boolean;
}

const FORMAT_HELP = "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print each log line as berthd wrote it (JSON)\n'TEMPLATE':         Print output using the given Go template";
const FILTER_HELP = 'Filter output based on conditions provided (user, group, cn, socket, method, route, object, container, class, decision, rule, status)';
// --follow's line when no --format is given: the table's columns, unaligned.
const FOLLOW_LINE = '{{.Time}} {{.User}} {{.Route}} {{.Object}} {{.Decision}} {{.Rule}} {{.Status}} {{.Reason}}';

export function registerSystemAuditCommand(program: Command, getEnv: () => CliEnv): void {
  program.commands.find((c) => c.name() === 'system')
    ?.command('audit')
    .description('Show the authorization audit log')
    .option('--since <string>', 'Show lines written since timestamp (e.g. "2026-12-07T08:00:00Z") or relative (e.g. "42m")')
    .option('--until <string>', 'Show lines written before timestamp or relative')
    .option('-f, --filter <filter>', FILTER_HELP, collectFilter)
    .option('--format <string>', FORMAT_HELP)
    .option('--follow', 'Keep printing lines as berthd writes them')
    .option('--no-trunc', "Don't truncate output")
    .action((flags: AuditFlags) => showAudit(getEnv(), flags));
}

/** One line as a row: what a table column or a template field shows. */
export interface AuditRow {
  Time: string;
  User: string;
  Socket: string;
  Method: string;
  Route: string;
  Path: string;
  Object: string;
  /** The container a request about another object acted on (network connect, exec start). */
  Container: string;
  Class: string;
  Decision: string;
  Rule: string;
  Reason: string;
  Status: string;
  Duration: string;
}

async function showAudit(env: CliEnv, flags: AuditFlags): Promise<void> {
  const filters = filtersFromArgs(flags.filter);
  let format = flags.format ?? '';
  if (flags.follow && format.startsWith('table')) throw new Error('--follow prints each line as it comes: use --format json or a template, not a table');
  if (flags.follow && !format) format = FOLLOW_LINE;
  const res = await env.client().api.request('GET', '/berth/audit', {
    query: {
      since: flags.since ? toApiTimestamp(flags.since) : undefined,
      until: flags.until ? toApiTimestamp(flags.until) : undefined,
      filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined,
      follow: flags.follow ? '1' : undefined,
    },
  });
  const lines = createInterface({ input: res, crlfDelay: Infinity });
  if (format === 'json') {
    for await (const line of lines) if (line.trim()) env.out.write(line + '\n');
    return;
  }
  if (format && !format.startsWith('table')) {
    const print = rowPrinter(format, env.out);
    for await (const line of lines) if (line.trim()) print(rowOf(JSON.parse(line) as Record<string, unknown>, flags.trunc !== false));
    return;
  }
  const rows: AuditRow[] = [];
  for await (const line of lines) if (line.trim()) rows.push(rowOf(JSON.parse(line) as Record<string, unknown>, flags.trunc !== false));
  printRows(env.out, format || undefined, rows, {
    table: 'table {{.Time}}\t{{.User}}\t{{.Route}}\t{{.Object}}\t{{.Decision}}\t{{.Rule}}\t{{.Status}}\t{{.Reason}}',
    headers: { Time: 'TIME', User: 'USER', Socket: 'SOCKET', Method: 'METHOD', Route: 'ROUTE', Path: 'PATH', Object: 'OBJECT', Container: 'CONTAINER', Class: 'CLASS', Decision: 'DECISION', Rule: 'RULE', Reason: 'REASON', Status: 'STATUS', Duration: 'DURATION' },
  });
}

/** `trunc`: ids as `docker ps` shows them (12 characters). */
export function rowOf(e: Record<string, unknown>, trunc = true): AuditRow {
  const s = (v: unknown) => (v === undefined || v === null ? '' : trunc && typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v.slice(0, 12) : String(v));
  const cert = e.certificate as { cn?: string } | undefined;
  // A unix peer by its name on berthd's host when it had one, else by its uid.
  const unix = e.user !== undefined ? s(e.user) : e.uid !== undefined ? `uid=${s(e.uid)}` : '';
  const who = [unix, cert ? `cn=${s(cert.cn)}` : ''].filter(Boolean).join(' ');
  return {
    Time: s(e.time),
    User: who,
    Socket: s(e.socket),
    Method: s(e.method),
    // berthd writes a line of its own when a stalled disk made it drop lines.
    Route: e.dropped !== undefined ? `(${s(e.dropped)} lines dropped)` : s(e.route),
    Path: s(e.path),
    // A network's connect names the network and the container: the table shows both.
    Object: [s(e.object), e.container !== undefined && e.container !== e.object ? `(container ${s(e.container)})` : ''].filter(Boolean).join(' '),
    Container: s(e.container),
    Class: s(e.class),
    Decision: s(e.decision),
    Rule: s(e.rule),
    Reason: s(e.reason),
    Status: s(e.status),
    Duration: e.ms !== undefined ? `${s(e.ms)}ms` : '',
  };
}
