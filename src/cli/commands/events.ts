// berth events: the daemon's event stream, printed as docker prints it.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { EventMessage } from '../../client/types.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { formatRfc3339NanoFixed, toApiTimestamp } from '../time-arg.ts';
import { rowPrinter } from '../format/index.ts';

interface EventsFlags {
  since?: string;
  until?: string;
  filter?: string[];
  format?: string;
}

export function registerEventsCommand(program: Command, getEnv: () => CliEnv): void {
  const action = (flags: EventsFlags) => runEvents(getEnv(), flags);
  for (const cmd of [program.command('events'), program.commands.find((c) => c.name() === 'system')?.command('events')]) {
    cmd
      ?.description('Get real time events from the server')
      .option('--since <string>', 'Show all events created since timestamp')
      .option('--until <string>', 'Stream events until this timestamp')
      .option('-f, --filter <filter>', 'Filter output based on conditions provided', collectFilter)
      .option('--format <string>', 'Format output using a custom template:\n\'json\':             Print in JSON format\n\'TEMPLATE\':         Print output using the given Go template')
      .action(action);
  }
}

async function runEvents(env: CliEnv, flags: EventsFlags): Promise<void> {
  const print = flags.format ? rowPrinter(flags.format, env.out) : (e: EventMessage) => env.out.write(defaultLine(e));
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const events = env.client().system.events({
    ...(flags.since && { since: toApiTimestamp(flags.since) }),
    ...(flags.until && { until: toApiTimestamp(flags.until) }),
    filters: filtersFromArgs(flags.filter),
    signal: abort.signal,
  });
  for await (const e of events) print(e);
}

/** `<time> <type> <action> <id> (k=v, k=v)`, attributes sorted by key. */
export function defaultLine(e: EventMessage): string {
  const time = formatRfc3339NanoFixed(BigInt(e.timeNano));
  let line = `${time} ${e.Type} ${e.Action} ${e.Actor.ID}`;
  const attrs = Object.entries(e.Actor.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (attrs.length) line += ` (${attrs.map(([k, v]) => `${k}=${v}`).join(', ')})`;
  return line + '\n';
}
