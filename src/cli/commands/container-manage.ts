// berth restart, rename, pause, unpause, port and container prune, with docker's outputs:
// each container's name as given on success, the daemon's errors after the run.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { PortBinding, PortMap } from '../../api/types/engine-api.ts';
import { BerthError } from '../../api/types/errors.ts';
import { naturalCompare } from '../context/store.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { humanSize } from '../output.ts';
import { parseGoInt } from '../container-opts/go-values.ts';
import { exactArgs, invalidFlagValue, noArgs, usageError } from './context-common.ts';
import { confirm } from '../prompt.ts';

const daemonMessage = (err: unknown) => `${err instanceof BerthError ? 'Error response from daemon: ' : ''}${(err as Error).message}`;

/** Every container in turn (in parallel for pause/unpause, as docker), names printed in order; errors joined at the end. */
async function forEach(env: CliEnv, names: string[], op: (name: string) => Promise<void>, parallel = false): Promise<void> {
  const results = parallel ? names.map((n) => op(n).then(() => undefined, (e: unknown) => e)) : [];
  const errors: string[] = [];
  for (const [i, name] of names.entries()) {
    const err = parallel ? await results[i] : await op(name).then(() => undefined, (e: unknown) => e);
    if (err === undefined) env.out.write(`${name}\n`);
    else errors.push(daemonMessage(err));
  }
  if (errors.length) throw new Error(errors.join('\n'));
}

const minArgs = (cmd: Command, args: string[]) => args.length < 1 && usageError(cmd, 'requires at least 1 argument', 'See');

export function addRestartCommand(parent: Command, getEnv: () => CliEnv): void {
  const int = (flag: string) => (v: string) => {
    try {
      return parseGoInt(v);
    } catch (err) {
      return invalidFlagValue(cmd, flag, v, (err as Error).message);
    }
  };
  const cmd: Command = parent
    .command('restart')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Restart one or more containers')
    .argument('[args...]')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .option('-t, --timeout <int>', 'Seconds to wait before killing the container', int('-t, --timeout'))
    .addOption(new Option('--time <int>', 'Seconds to wait before killing the container (deprecated: use --timeout)').argParser(int('--time')).hideHelp())
    .action(async (args: string[], f: { signal?: string; timeout?: number; time?: number }) => {
      minArgs(cmd, args);
      if (f.time !== undefined && f.timeout !== undefined) throw new Error('conflicting options: cannot specify both --timeout and --time');
      if (f.time !== undefined) process.stderr.write('Flag --time has been deprecated, use --timeout instead\n');
      const env = getEnv();
      await forEach(env, args, (n) => env.client().containers.restart(n, f.timeout ?? f.time, f.signal || undefined));
    });
}

export function addRenameCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('rename')
    .usage('CONTAINER NEW_NAME')
    .description('Rename a container')
    .argument('[args...]')
    .action(async (args: string[]) => {
      exactArgs(cmd, args, 2);
      const [oldName, newName] = [args[0]!.trim(), args[1]!.trim()];
      if (oldName === '' || newName === '') throw new Error('Error: Neither old nor new names may be empty');
      const env = getEnv();
      try {
        await env.client().containers.rename(oldName, newName);
      } catch (err) {
        env.err.write(`${daemonMessage(err)}\n`);
        throw new Error(`Error: failed to rename container named ${oldName}`);
      }
    });
}

export function addPauseCommands(parent: Command, getEnv: () => CliEnv): void {
  for (const [name, description] of [['pause', 'Pause all processes within one or more containers'], ['unpause', 'Unpause all processes within one or more containers']] as const) {
    const cmd: Command = parent
      .command(name)
      .usage('CONTAINER [CONTAINER...]')
      .description(description)
      .argument('[args...]')
      .action(async (args: string[]) => {
        minArgs(cmd, args);
        const env = getEnv();
        const containers = env.client().containers;
        await forEach(env, args, (n) => (name === 'pause' ? containers.pause(n) : containers.unpause(n)), true);
      });
  }
}

export function addPortCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('port')
    .usage('CONTAINER [PRIVATE_PORT[/PROTO]]')
    .description('List port mappings or a specific mapping for the container')
    .argument('[args...]')
    .action(async (args: string[]) => {
      if (args.length < 1 || args.length > 2) usageError(cmd, 'requires at least 1 and at most 2 arguments');
      const env = getEnv();
      const c = await env.client().containers.inspectRaw(args[0]!);
      const out = portMappings(c.NetworkSettings?.Ports ?? {}, args[0]!, args[1]);
      if (out.length) env.out.write(`${out.join('\n')}\n`);
    });
}

/** docker port's lines: every mapping as "80/tcp -> 0.0.0.0:8080", or one port's host addresses; naturally sorted. */
export function portMappings(ports: PortMap, container: string, wanted?: string): string[] {
  const hostPort = ({ HostIp: ip = '', HostPort: port = '' }: PortBinding) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  if (wanted === undefined) {
    return Object.entries(ports).flatMap(([from, frontends]) => (frontends ?? []).map((b) => `${from} -> ${hostPort(b)}`)).sort(naturalCompare);
  }
  const slash = wanted.indexOf('/');
  const [port, proto] = slash === -1 ? [wanted, 'tcp'] : [wanted.slice(0, slash), wanted.slice(slash + 1) || 'tcp'];
  try {
    parseGoInt(port, 16, 'ParseUint');
  } catch (err) {
    throw new Error(`Error: invalid port (${port}): ${(err as Error).message}`);
  }
  const frontends = ports[`${port}/${proto}`];
  if (!frontends?.length) throw new Error(`Error: No public port '${wanted}' published for ${container}`);
  return frontends.map(hostPort).sort(naturalCompare);
}

const PRUNE_WARNING = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

export function addContainerPruneCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('prune')
    .usage('[OPTIONS]')
    .description('Remove all stopped containers')
    .argument('[args...]')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collectFilter)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], f: { filter?: string[]; force?: boolean }) => {
      noArgs(cmd, args);
      const env = getEnv();
      const filters = filtersFromArgs(f.filter?.map((v) => v.trim()).filter((v) => v !== ''));
      // Answering no is no failure: docker exits 0 without a word.
      if (!f.force && !(await confirm(env, PRUNE_WARNING))) return;
      const report = await env.client().containers.prune(filters);
      const deleted = report.ContainersDeleted ?? [];
      if (deleted.length) env.out.write(`Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n`);
      env.out.write(`Total reclaimed space: ${humanSize(deleted.length ? report.SpaceReclaimed : 0, 4)}\n`);
    });
}
