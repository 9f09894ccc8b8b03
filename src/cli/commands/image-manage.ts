// berth tag / rmi / image inspect / image prune, printed as the docker CLI prints them.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { BerthError, isKind } from '../../api/types/errors.ts';
import { parseReference, repositoryName } from '../../image/reference.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { humanSize } from '../output.ts';
import { confirm } from '../prompt.ts';
import { exactArgs, noArgs, usageError } from './context-common.ts';
import { printInspect } from './context-output.ts';
import { INSPECT_FORMAT_HELP, platformJson } from './image-common.ts';

export function addTagCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('tag')
    .usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('[args...]')
    .action(async (args: string[]) => {
      exactArgs(cmd, args, 2);
      await tag(getEnv(), args[0]!, args[1]!);
    });
}

/** client.ImageTag: both names are checked here; the target goes as repo (full name) and tag. */
async function tag(env: CliEnv, source: string, target: string): Promise<void> {
  const parse = (name: string) => {
    try {
      return parseReference(name);
    } catch (err) {
      throw new Error(`Error parsing reference: "${name}" is not a valid repository/tag: ${(err as Error).message}`);
    }
  };
  if (!/^[a-f0-9]{64}$/.test(source)) parse(source);
  const ref = parse(target);
  if (ref.digest) throw new Error('refusing to create a tag with a digest reference');
  await env.client().images.tag(source, repositoryName(ref), ref.tag ?? 'latest');
}

export function addRemoveCommand(parent: Command, name: string, aliases: string[], getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command(name)
    .aliases(aliases)
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Remove one or more images')
    .argument('[args...]')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .option('--platform <strings>', 'Remove only the given platform variant. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")', collectFilter)
    .action(async (args: string[], flags: { force?: boolean; prune?: boolean; platform?: string[] }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      await remove(getEnv(), args, flags);
    });
}

async function remove(env: CliEnv, images: string[], flags: { force?: boolean; prune?: boolean; platform?: string[] }): Promise<void> {
  const platforms = flags.platform?.flatMap((p) => p.split(',')).map(platformJson);
  const errs: string[] = [];
  let fatal = false;
  for (const image of images) {
    try {
      const items = await env.client().images.remove(image, { force: flags.force === true, noprune: flags.prune === false, ...(platforms && { platforms }) });
      for (const item of items) env.out.write(item.Deleted ? `Deleted: ${item.Deleted}\n` : `Untagged: ${item.Untagged}\n`);
    } catch (err) {
      if (!isKind(err, 'not-found')) fatal = true;
      errs.push(err instanceof BerthError ? `Error response from daemon: ${err.message}` : (err as Error).message);
    }
  }
  if (!errs.length) return;
  // As docker: with --force, images that do not exist are reported but are no failure.
  if (!flags.force || fatal) throw new Error(errs.join('\n'));
  env.err.write(`${errs.join('\n')}\n`);
}

export function addInspectCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('inspect')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Display detailed information on one or more images')
    .argument('[args...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .option('--platform <string>', "Inspect a specific platform of the multi-platform image.\nIf the image or the server is not multi-platform capable, the command will error out if the platform does not match.\n'os[/arch[/variant]]': Explicit platform (eg. linux/amd64)")
    .action(async (args: string[], flags: { format?: string; platform?: string }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      const platform = flags.platform ? platformJson(flags.platform) : undefined;
      const found: unknown[] = [];
      const errors: Error[] = [];
      for (const name of args) {
        try {
          found.push(await env.client().images.inspect(name, { ...(platform && { platform }) }));
        } catch (err) {
          if (!(err instanceof BerthError)) throw err;
          errors.push(new Error(`Error response from daemon: ${err.message}`));
        }
      }
      printInspect(env.out, found as never[], flags.format, errors);
    });
}

const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';

export function addPruneCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('prune')
    .usage('[OPTIONS]')
    .description('Remove unused images')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collectFilter)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], flags: { all?: boolean; filter?: string[]; force?: boolean }) => {
      noArgs(cmd, args);
      await prune(getEnv(), flags);
    });
}

async function prune(env: CliEnv, flags: { all?: boolean; filter?: string[]; force?: boolean }): Promise<void> {
  const filters = filtersFromArgs(flags.filter);
  (filters.dangling ??= []).push(String(!flags.all));
  if (!flags.force && !(await confirm(env, flags.all ? ALL_WARNING : DANGLING_WARNING))) return;
  const report = await env.client().images.prune(filters);
  const deleted = report.ImagesDeleted ?? [];
  if (deleted.length) {
    const lines = deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`));
    env.out.write(`Deleted Images:\n${lines.join('\n')}\n\n`);
  }
  env.out.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0, 4)}\n`);
}
