// `berth builder` (prune, build) and where `build` also lives: at the top level and under
// `image`, as docker places it.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { confirm } from '../prompt.ts';
import { humanSize } from '../output.ts';
import { ramInBytes } from '../container-opts/go-values.ts';
import { acceptGoBools, pflagErrors } from '../container-opts/go-bools.ts';
import { invalidFlagValue, noArgs } from './context-common.ts';
import { addBuildCommand } from './build.ts';

const DANGLING_WARNING = 'WARNING! This will remove all dangling build cache. Are you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all build cache. Are you sure you want to continue?';

interface PruneFlags {
  all?: boolean;
  filter?: string[];
  force?: boolean;
  keepStorage?: number;
}

export function registerBuilderCommands(program: Command, getEnv: () => CliEnv): void {
  addBuildCommand(program, getEnv);
  const builder = addCommandGroup(program, 'builder', 'Manage builds');
  addBuildCommand(builder, getEnv);
  addBuildCachePruneCommand(builder, getEnv);
}

export function addBuildCachePruneCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('prune')
    .usage('[OPTIONS]')
    .description('Remove build cache')
    .argument('[args...]')
    .helpOption('--help', 'Print usage')
    .option('-a, --all', 'Remove all unused build cache, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=24h")', collectFilter)
    .option('-f, --force', 'Do not prompt for confirmation')
    .addOption(new Option('--keep-storage <bytes>', 'Amount of disk space to keep for cache').argParser((v: string) => {
      try {
        return ramInBytes(v);
      } catch (err) {
        return invalidFlagValue(cmd, '--keep-storage', v, (err as Error).message);
      }
    }))
    .action(async (args: string[], flags: PruneFlags) => {
      noArgs(cmd, args);
      await prune(getEnv(), flags);
    });
  acceptGoBools(cmd);
  pflagErrors(cmd);
}

async function prune(env: CliEnv, flags: PruneFlags): Promise<void> {
  const filters = filtersFromArgs(flags.filter);
  // A "no" is not an error: docker's cancelled prune ends quietly with status 0.
  if (!flags.force && !(await confirm(env, flags.all ? ALL_WARNING : DANGLING_WARNING))) return;
  const report = await env.client().build.pruneBuildCache({
    all: flags.all === true,
    ...(flags.keepStorage && { keepStorage: flags.keepStorage }),
    filters,
  });
  const deleted = report.CachesDeleted ?? [];
  if (deleted.length) env.out.write(`Deleted build cache objects:\n${deleted.map((id) => `${id}\n`).join('')}\n`);
  env.out.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0, 4)}\n`);
}
