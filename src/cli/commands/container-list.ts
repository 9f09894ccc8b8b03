// berth ps and berth rm.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { ContainerSummary } from '../../client/containers-api.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { humanDuration, humanSize, printRows, truncateId } from '../output.ts';
import { goTimeString } from '../format/go-time.ts';
import { ellipsis } from '../format/ellipsis.ts';
import { parseGoInt } from '../container-opts/go-values.ts';
import { invalidFlagValue } from './context-common.ts';
import { each } from './container-control.ts';
import { portsColumn } from '../format/ports-column.ts';

export function addPsCommand(parent: Command, name: string, aliases: string[], getEnv: () => CliEnv): void {
  const last = (v: string): number => {
    try {
      return parseGoInt(v);
    } catch (err) {
      return invalidFlagValue(cmd, '-n, --last', v, (err as Error).message);
    }
  };
  const cmd: Command = parent
    .command(name)
    .aliases(aliases)
    .usage('[OPTIONS]')
    .description('List containers')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collectFilter)
    .option('--format <string>', 'Format output using a custom template')
    .option('-n, --last <int>', 'Show n last created containers (includes all states)', last, -1)
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only display container IDs')
    .option('-s, --size', 'Display total file sizes')
    .action((flags: PsFlags) => ps(getEnv(), flags));
}

export function addRmCommand(parent: Command, name: string, aliases: string[], getEnv: () => CliEnv): void {
  parent
    .command(name)
    .aliases(aliases)
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Remove one or more containers')
    .argument('<containers...>')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .action((names: string[], flags: { force?: boolean; volumes?: boolean }) => rm(getEnv(), names, flags));
}

interface PsFlags { all?: boolean; filter?: string[]; format?: string; trunc: boolean; quiet?: boolean; last: number; latest?: boolean; size?: boolean }

async function ps(env: CliEnv, flags: PsFlags): Promise<void> {
  // As the docker CLI: --latest is --last 1, and --last shows every state; a format that prints
  // .Size asks the daemon for sizes as --size does.
  const last = flags.latest ? 1 : flags.last;
  const size = flags.size === true || (flags.format !== undefined && flags.format.includes('.Size'));
  const list = await env.client().containers.list({ all: flags.all === true || last !== -1, filters: filtersFromArgs(flags.filter), ...(last > 0 && { limit: last }), size });
  const rows = list.map((c) => row(c, flags.trunc));
  const format = flags.quiet ? '{{.ID}}' : flags.format;
  printRows(env.text, format, rows, {
    table: `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${flags.size ? '\t{{.Size}}' : ''}`,
    headers: { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS', Networks: 'NETWORKS', Size: 'SIZE', LocalVolumes: 'LOCAL VOLUMES', Mounts: 'MOUNTS', Platform: 'PLATFORM' },
  });
}

function row(c: ContainerSummary, trunc: boolean): Record<string, string | null> {
  const command = trunc && [...c.Command].length > 20 ? `${[...c.Command].slice(0, 19).join('')}…` : c.Command;
  return {
    ID: trunc ? truncateId(c.Id) : c.Id,
    Image: c.Image,
    Command: JSON.stringify(command),
    // A getter: only a format that prints it pays for the zone's name (ICU's data).
    get CreatedAt() {
      return goTimeString(c.Created);
    },
    RunningFor: `${humanDuration(Date.now() - c.Created * 1000)} ago`,
    Ports: portsColumn(c.Ports ?? []),
    // The docker CLI writes them in Go's map order, which is random: sorted here.
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    State: c.State,
    Status: c.Status,
    Names: c.Names.map((n) => n.replace(/^\//, '')).join(','),
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Mounts: (c.Mounts ?? []).map((m) => trunc ? ellipsis(m.Name || m.Source || '', 15) : m.Name || m.Source || '').join(','),
    Platform: null, // as the docker CLI's JSON (its templates print <nil>, berth's <no value>)
    Size: `${humanSize(c.SizeRw ?? 0)}${(c.SizeRootFs ?? 0) > 0 ? ` (virtual ${humanSize(c.SizeRootFs!)})` : ''}`,
  };
}

function rm(env: CliEnv, names: string[], flags: { force?: boolean; volumes?: boolean }): Promise<void> {
  return each(env, names, (name) => env.client().containers.remove(name, flags));
}
