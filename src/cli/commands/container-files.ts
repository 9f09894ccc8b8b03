// berth diff, export, cp and commit: a container's filesystem. Each exists at the top level and
// under `berth container`, as in docker.
import { createWriteStream, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { usageError } from './context-common.ts';
import { cp, type CpFlags } from './container-cp.ts';
import { parseReference } from '../../image/reference.ts';
import { pathError } from '../../image/copy/copy-info.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const KINDS = ['C', 'A', 'D'];
/** strconv.ParseBool's words, for pflag's `--pause=false`. */
const BOOL_WORDS: Record<string, boolean> = { 1: true, t: true, T: true, true: true, TRUE: true, True: true, 0: false, f: false, F: false, false: false, FALSE: false, False: false };

export function registerContainerFileCommands(program: Command, getEnv: () => CliEnv): void {
  // Another command family may have made the group already.
  const group = program.commands.find((c) => c.name() === 'container') ?? addCommandGroup(program, 'container', 'Manage containers');
  for (const parent of [program, group]) {
    addDiff(parent, getEnv);
    addExport(parent, getEnv);
    addCp(parent, getEnv);
    addCommit(parent, getEnv);
  }
}

function addDiff(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent.command('diff').usage('CONTAINER').description("Inspect changes to files or directories on a container's filesystem")
    .argument('[args...]')
    .action(async (args: string[]) => {
      if (args.length !== 1) usageError(cmd, 'requires 1 argument');
      const env = getEnv();
      for (const c of await env.client().containers.changes(args[0]!)) env.out.write(`${KINDS[c.Kind] ?? ''} ${c.Path}\n`);
    });
}

function addExport(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent.command('export').usage('[OPTIONS] CONTAINER').description("Export a container's filesystem as a tar archive")
    .argument('[args...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .action(async (args: string[], flags: { output?: string }) => {
      if (args.length !== 1) usageError(cmd, 'requires 1 argument');
      await exportContainer(getEnv(), args[0]!, flags.output);
    });
}

async function exportContainer(env: CliEnv, container: string, output: string | undefined): Promise<void> {
  if (!output && env.out.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  if (output) {
    // atomicwriter.New's check, in its words.
    const parent = dirname(resolve(output));
    let isDir: boolean;
    try {
      isDir = statSync(parent).isDirectory();
    } catch (err) {
      throw new Error(`failed to export container: invalid output path: ${pathError('stat', parent, err).message}`);
    }
    if (!isDir) throw new Error(`failed to export container: invalid output path: "${parent}" must be a directory`);
  }
  const tar = await env.client().containers.export(container);
  if (!output) {
    for await (const chunk of tar) if (!env.out.write(chunk as Buffer)) await once(env.out, 'drain');
    return;
  }
  // Written beside the target and renamed into place when complete (docker's atomic writer).
  const tmpDir = mkdtempSync(join(dirname(output), '.berth_export_'));
  const tmp = join(tmpDir, basename(output));
  try {
    await pipeline(tar, createWriteStream(tmp, { mode: 0o600 }));
    renameSync(tmp, output);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

function addCp(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent.command('cp')
    .usage('[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
    .description('Copy files/folders between a container and the local filesystem')
    .argument('[args...]')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-q, --quiet', 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached')
    .action(async (args: string[], flags: CpFlags) => {
      if (args.length !== 2) usageError(cmd, 'requires 2 arguments');
      await cp(getEnv(), args[0]!, args[1]!, flags);
    });
}

interface CommitFlags { author?: string; change?: string[]; message?: string }

function addCommit(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent.command('commit').usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]').description("Create a new image from a container's changes")
    .argument('[args...]')
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause', 'Pause container during commit (default true)');
  // pflag's `--pause=false`: hidden spellings of the boolean with a value.
  for (const word of Object.keys(BOOL_WORDS)) cmd.addOption(new Option(`--pause=${word}`).hideHelp());
  cmd.action(async (args: string[], flags: CommitFlags) => {
      if (args.length < 1 || args.length > 2) usageError(cmd, 'requires at least 1 and at most 2 arguments');
      let pause = true;
      for (const [k, v] of Object.entries(flags)) if (k.startsWith('pause=') && v) pause = BOOL_WORDS[k.slice(6)]!;
      const env = getEnv();
      const target = args[1] ? commitTarget(args[1]) : {};
      const res = await env.client().containers.commit(args[0]!, {
        ...target, comment: flags.message ?? '', author: flags.author ?? '', changes: flags.change ?? [], pause,
      });
      env.out.write(`${res.Id}\n`);
    });
}

/** The client splits REPOSITORY[:TAG] itself, as docker's ContainerCommit does. */
function commitTarget(reference: string): { repo: string; tag: string } {
  const ref = parseReference(reference);
  if (ref.digest) throw new Error('refusing to create a tag with a digest reference');
  return { repo: `${ref.domain}/${ref.path}`, tag: ref.tag ?? 'latest' };
}
