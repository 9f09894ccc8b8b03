// berth save / load / import: tar archives to and from the daemon, by file or standard streams.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { displayJsonMessages } from '../progress/jsonmessage.ts';
import { noArgs, usageError } from './context-common.ts';
import { parseNamed, PLATFORM_HELP, platformJson } from './image-common.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addSaveCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('save')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('[args...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .option('--platform <string>', PLATFORM_HELP('Save only the given platform variant'))
    .action(async (args: string[], flags: { output?: string; platform?: string }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      await save(getEnv(), args, flags);
    });
}

export function addLoadCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('load')
    .usage('[OPTIONS]')
    .description('Load an image from a tar archive or STDIN')
    .argument('[args...]')
    .option('-i, --input <string>', 'Read from tar archive file, instead of STDIN')
    .option('--platform <string>', PLATFORM_HELP('Load only the given platform variant'))
    .option('-q, --quiet', 'Suppress the load output')
    .action(async (args: string[], flags: { input?: string; platform?: string; quiet?: boolean }) => {
      noArgs(cmd, args);
      await load(getEnv(), flags);
    });
}

interface ImportFlags { change?: string[]; message?: string; platform?: string }

export function addImportCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('import')
    .usage('[OPTIONS] file|URL|- [REPOSITORY[:TAG]]')
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('[args...]')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <string>', 'Set commit message for imported image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .action(async (args: string[], flags: ImportFlags) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      await importImage(getEnv(), args[0]!, args[1], flags);
    });
}

async function save(env: CliEnv, images: string[], flags: { output?: string; platform?: string }): Promise<void> {
  if (!flags.output && env.out.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  if (flags.output) {
    const dir = dirname(normalize(flags.output));
    try {
      statSync(dir);
    } catch (err) {
      throw new Error(`failed to save image: invalid output path: stat ${dir}: ${errnoText(err)}`);
    }
  }
  const tar = await env.client().images.save(images, { ...(flags.platform && { platforms: [platformJson(flags.platform)] }) });
  if (!flags.output) {
    for await (const chunk of tar) if (!env.out.write(chunk as Buffer)) await once(env.out, 'drain');
    return;
  }
  // command.CopyToFile: a temporary file beside the target, renamed into place when complete.
  const tmpDir = mkdtempSync(join(dirname(flags.output), '.docker_temp_'));
  const tmp = join(tmpDir, basename(flags.output));
  try {
    await pipeline(tar, createWriteStream(tmp));
    renameSync(tmp, flags.output);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function load(env: CliEnv, flags: { input?: string; platform?: string; quiet?: boolean }): Promise<void> {
  let input: Readable = process.stdin;
  if (flags.input) input = openFile(flags.input);
  else if (process.stdin.isTTY) throw new Error('requested load from stdin, but stdin is empty');
  const messages = env.client().images.load(input, {
    quiet: flags.quiet === true || !env.out.isTTY,
    ...(flags.platform && { platforms: [platformJson(flags.platform)] }),
  });
  await displayJsonMessages(messages, env.out);
}

async function importImage(env: CliEnv, source: string, repo: string | undefined, flags: ImportFlags): Promise<void> {
  let body: Readable | undefined;
  let fromSrc = '-';
  if (source === '-') body = process.stdin;
  else if (source.startsWith('http://') || source.startsWith('https://')) fromSrc = source; // the daemon fetches it
  else body = openFile(source);
  if (repo) parseNamed(repo);
  const platform = flags.platform ?? (env.env.DOCKER_DEFAULT_PLATFORM || undefined);
  const messages = env.client().images.import(body, {
    fromSrc,
    ...(repo && { repo }),
    ...(flags.message && { message: flags.message }),
    ...(platform && { platform }),
    changes: flags.change ?? [],
  });
  await displayJsonMessages(messages, env.out);
}

/** os.Open: fails now, with Go's wording, rather than mid-request. */
function openFile(path: string): Readable {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new Error(`open ${path}: ${errnoText(err)}`);
  }
  return createReadStream(path, { fd });
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ENOTDIR') return 'not a directory';
  if (code === 'EISDIR') return 'is a directory';
  return (err as Error).message;
}
