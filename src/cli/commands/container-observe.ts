// berth top and berth stats (also as `berth container top|stats`), as docker's CLI does them:
// top prints the daemon's ps table; stats follows each container's stats stream (or takes one
// sample with --no-stream) and, live, redraws its table in place twice a second.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { TabWriter, formatRows } from '../format/index.ts';
import { BerthError } from '../../api/types/errors.ts';
import { STATS_HEADERS, STATS_TABLE, StatsRow, emptyEntry, entryOf, type StatsEntry } from './stats-entry.ts';

interface StatsFlags {
  all?: boolean;
  stream: boolean;
  trunc: boolean;
  format?: string;
}

export function registerContainerObserveCommands(program: Command, getEnv: () => CliEnv): void {
  const group = program.commands.find((c) => c.name() === 'container') ?? addCommandGroup(program, 'container', 'Manage containers');
  for (const parent of [program, group]) {
    parent.command('top').usage('CONTAINER [ps OPTIONS]').description('Display the running processes of a container')
      .argument('<container>').argument('[ps-options...]')
      // Everything after the container is ps's, as docker's non-interspersed flags.
      .passThroughOptions().allowUnknownOption()
      .action((name: string, psArgs: string[]) => top(getEnv(), name, psArgs));
    parent.command('stats').usage('[OPTIONS] [CONTAINER...]').description('Display a live stream of container(s) resource usage statistics')
      .argument('[containers...]')
      .option('-a, --all', 'Show all containers (default shows just running)')
      .option('--format <string>', 'Format output using a custom template')
      .option('--no-stream', 'Disable streaming stats and only pull the first result')
      .option('--no-trunc', 'Do not truncate output')
      .action((names: string[], flags: StatsFlags) => stats(getEnv(), names, flags));
  }
}

async function top(env: CliEnv, name: string, psArgs: string[]): Promise<void> {
  const list = await env.client().containers.top(name, psArgs);
  const tw = new TabWriter({ minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ' });
  tw.write(`${list.Titles.join('\t')}\n`);
  for (const p of list.Processes ?? []) tw.write(`${p.join('\t')}\n`);
  env.out.write(tw.flush());
}

/** One container being watched: its latest figures, or why there are none. */
class Tracked {
  readonly container: string;
  entry: StatsEntry = emptyEntry();
  error: unknown;
  invalid = false;
  readonly abort = new AbortController();
  constructor(container: string) {
    this.container = container;
  }
}

const FIRST_STATS_TIMEOUT_MS = 2000;

/** Follows one container's stats; `first` resolves on the first sample, an error or a timeout. */
function collect(env: CliEnv, t: Tracked, stream: boolean): Promise<void> {
  const first = Promise.withResolvers<void>();
  let timer: NodeJS.Timeout | undefined;
  const watchdog = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // As docker: no sample for 2 s zeroes the line and marks it failed.
      Object.assign(t, { entry: { ...emptyEntry(), name: t.entry.name, id: t.entry.id }, invalid: true, error: new Error('timeout waiting for stats') });
      first.resolve();
      if (stream) watchdog();
    }, FIRST_STATS_TIMEOUT_MS);
  };
  watchdog();
  void (async () => {
    try {
      for await (const v of env.client().containers.stats(t.container, { stream, signal: t.abort.signal })) {
        Object.assign(t, { entry: entryOf(v), invalid: false, error: undefined });
        first.resolve();
        if (!stream) break;
        watchdog();
      }
      if (stream && !t.abort.signal.aborted) Object.assign(t, { invalid: true, error: new Error('EOF') });
    } catch (err) {
      Object.assign(t, { invalid: true, error: err });
    } finally {
      clearTimeout(timer);
      first.resolve();
    }
  })();
  return first.promise;
}

async function stats(env: CliEnv, names: string[], flags: StatsFlags): Promise<void> {
  const tracked = new Map<string, Tracked>();
  const firsts: Promise<void>[] = [];
  const add = (container: string) => {
    if (tracked.has(container)) return;
    const t = new Tracked(container);
    tracked.set(container, t);
    firsts.push(collect(env, t, flags.stream));
  };
  const remove = (container: string) => {
    tracked.get(container)?.abort.abort();
    tracked.delete(container);
  };
  const events = new AbortController();
  try {
    if (names.length === 0) {
      // Subscribe before listing, so a container started in between is not missed.
      void followEvents(env, flags.all === true, events.signal, add, remove);
      for (const c of await env.client().containers.list({ all: flags.all === true })) add(c.Id.slice(0, 12));
      await Promise.all(firsts);
    } else {
      names.forEach(add);
      await Promise.all(firsts);
      const failed = [...tracked.values()].filter((t) => t.error !== undefined);
      if (failed.length) throw new Error(failed.map((t) => errorText(t.error)).join('\n'));
    }
    const format = flags.format || (env.configFile.statsFormat as string | undefined) || 'table';
    const render = () => formatRows(format, [...tracked.values()].map((t) => new StatsRow(t.container, t.entry, t.invalid, flags.trunc)), STATS_HEADERS, STATS_TABLE);
    if (!flags.stream) return void env.out.write(render());
    await redrawForever(env, render);
  } finally {
    events.abort();
    for (const t of tracked.values()) t.abort.abort();
  }
}

function errorText(err: unknown): string {
  return err instanceof BerthError ? `Error response from daemon: ${err.message}` : (err as Error).message;
}

async function followEvents(env: CliEnv, all: boolean, signal: AbortSignal, add: (id: string) => void, remove: (id: string) => void): Promise<void> {
  try {
    for await (const e of env.client().system.events({ filters: { type: ['container'] }, signal })) {
      const id = e.Actor.ID.slice(0, 12);
      if (e.Action === 'start' || (all && e.Action === 'create')) add(id);
      else if (e.Action === 'destroy' || (!all && e.Action === 'die')) remove(id);
    }
  } catch {
    // The event stream is a convenience: the table goes on with the containers it has.
  }
}

/** Cursor home, each line followed by erase-to-end-of-line, then erase below: no flicker. */
async function redrawForever(env: CliEnv, render: () => string): Promise<never> {
  for (;;) {
    const lines = render().split('\n');
    env.out.write(`\x1b[H${lines.map((l) => `${l}\x1b[K\n`).join('')}\x1b[J`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
