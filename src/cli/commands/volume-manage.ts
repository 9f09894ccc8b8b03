// berth volume create / inspect / rm / prune, printed as the docker CLI prints them.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { BerthError } from '../../api/types/errors.ts';
import { versionLessThan } from '../../api/types/version.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { humanSize } from '../output.ts';
import { confirm } from '../prompt.ts';
import { flagError, noArgs, usageError } from './context-common.ts';
import { printInspect } from './context-output.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** opts.ConvertKVStringsToMap: "k=v", or "k" alone for an empty value. */
function kvMap(items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) out[item] = '';
    else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

interface CreateFlags { driver: string; label?: string[]; opt?: string[]; name?: string }

export function addVolumeCreateCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('create')
    .usage('[OPTIONS] [VOLUME]')
    .description('Create a volume')
    .argument('[args...]')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .option('--label <list>', 'Set metadata for a volume', collect)
    .option('-o, --opt <map>', 'Set driver specific options', collect)
    .addOption(new Option('--name <string>', 'Specify volume name').hideHelp())
    .action(async (args: string[], flags: CreateFlags) => {
      if (args.length > 1) usageError(cmd, 'requires at most 1 argument');
      if (args.length === 1 && flags.name !== undefined) flagError(cmd, 'conflicting options: either specify --name or provide positional arg, not both');
      const env = getEnv();
      const opts = kvMap(flags.opt);
      for (const o of flags.opt ?? []) if (!o.includes('=')) flagError(cmd, `invalid argument "${o}" for "-o, --opt" flag: bad format for path: ${o}`);
      const labels = kvMap(flags.label);
      // Empty maps are left out, as Go's omitempty leaves them (the volume shows null, not {}).
      const v = await env.client().volumes.create({
        Name: args[0] ?? flags.name ?? '', Driver: flags.driver,
        ...(Object.keys(opts).length && { DriverOpts: opts }), ...(Object.keys(labels).length && { Labels: labels }),
      });
      env.out.write(`${v.Name}\n`);
    });
}

export function addVolumeInspectCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('inspect')
    .usage('[OPTIONS] VOLUME [VOLUME...]')
    .description('Display detailed information on one or more volumes')
    .argument('[args...]')
    .option('-f, --format <string>', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates")
    .action(async (args: string[], flags: { format?: string }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      const found: unknown[] = [];
      const errors: Error[] = [];
      for (const name of args) {
        try {
          found.push(await env.client().volumes.inspect(name));
        } catch (err) {
          if (!(err instanceof BerthError)) throw err;
          errors.push(new Error(`Error response from daemon: ${err.message}`));
        }
      }
      printInspect(env.out, found as never[], flags.format, errors);
    });
}

export function addVolumeRemoveCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('rm')
    .aliases(['remove'])
    .usage('[OPTIONS] VOLUME [VOLUME...]')
    .description('Remove one or more volumes. You cannot remove a volume that is in use by a container.')
    .argument('[args...]')
    .option('-f, --force', 'Force the removal of one or more volumes')
    .action(async (args: string[], flags: { force?: boolean }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      const errs: string[] = [];
      for (const name of args) {
        try {
          await env.client().volumes.remove(name, { force: flags.force === true });
          env.out.write(`${name}\n`);
        } catch (err) {
          if (!(err instanceof BerthError)) throw err;
          errs.push(`Error response from daemon: ${err.message}`);
        }
      }
      if (errs.length) throw new Error(errs.join('\n'));
    });
}

const ANONYMOUS_WARNING = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

export function addVolumePruneCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('prune')
    .usage('[OPTIONS]')
    .description('Remove unused local volumes')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "label=<label>")', collectFilter)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], flags: { all?: boolean; filter?: string[]; force?: boolean }) => {
      noArgs(cmd, args);
      await prune(getEnv(), flags);
    });
}

/** As docker: from API 1.42 --all adds the `all` filter; below it every unused volume goes. */
async function prune(env: CliEnv, flags: { all?: boolean; filter?: string[]; force?: boolean }): Promise<void> {
  const filters = filtersFromArgs(flags.filter);
  let warning = ANONYMOUS_WARNING;
  const version = await env.client().api.negotiate();
  if (!versionLessThan(version, '1.42')) {
    if (flags.all) {
      if (filters.all) throw new Error('conflicting options: cannot specify both --all and --filter all=1');
      filters.all = ['true'];
      warning = ALL_WARNING;
    }
  } else warning = ALL_WARNING;
  if (!flags.force && !(await confirm(env, warning))) return;
  const report = await env.client().volumes.prune(filters);
  const deleted = report.VolumesDeleted ?? [];
  let reclaimed = 0;
  if (deleted.length) {
    env.out.write(`Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
    reclaimed = report.SpaceReclaimed ?? 0;
  }
  env.out.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
