// berth ps and berth rm.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { ContainerSummary } from '../../client/containers-api.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { humanDuration, printRows, truncateId } from '../output.ts';
import { each } from './container-control.ts';
import { portsColumn } from '../format/ports-column.ts';

export function addPsCommand(parent: Command, name: string, aliases: string[], getEnv: () => CliEnv): void {
  parent
    .command(name)
    .aliases(aliases)
    .description('List containers')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collectFilter)
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only display container IDs')
    .action((flags: { all?: boolean; filter?: string[]; format?: string; trunc: boolean; quiet?: boolean }) => ps(getEnv(), flags));
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

async function ps(env: CliEnv, flags: { all?: boolean; filter?: string[]; format?: string; trunc: boolean; quiet?: boolean }): Promise<void> {
  const list = await env.client().containers.list({ all: flags.all === true, filters: filtersFromArgs(flags.filter) });
  const rows = list.map((c) => row(c, flags.trunc));
  const format = flags.quiet ? '{{.ID}}' : flags.format;
  printRows(env.text, format, rows, {
    table: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
    headers: { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS', Networks: 'NETWORKS' },
  });
}

function row(c: ContainerSummary, trunc: boolean): Record<string, string> {
  const command = trunc && [...c.Command].length > 20 ? `${[...c.Command].slice(0, 19).join('')}…` : c.Command;
  return {
    ID: trunc ? truncateId(c.Id) : c.Id,
    Image: c.Image,
    Command: JSON.stringify(command),
    CreatedAt: new Date(c.Created * 1000).toString(),
    RunningFor: `${humanDuration(Date.now() - c.Created * 1000)} ago`,
    Ports: portsColumn(c.Ports ?? []),
    // The docker CLI writes them in Go's map order, which is random: sorted here.
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    State: c.State,
    Status: c.Status,
    Names: c.Names.map((n) => n.replace(/^\//, '')).join(','),
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
  };
}

function rm(env: CliEnv, names: string[], flags: { force?: boolean; volumes?: boolean }): Promise<void> {
  return each(env, names, (name) => env.client().containers.remove(name, flags));
}
