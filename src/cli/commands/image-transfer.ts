// berth pull / push: names normalised as the docker CLI does (default tag announced, the full
// reference printed at the end of a pull), credentials from config.json in X-Registry-Auth, and
// the daemon's progress stream shown by the jsonmessage display.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { JsonMessage } from '../../client/types.ts';
import { familiarName, formatReference, repositoryName, type Reference } from '../../image/reference.ts';
import { displayJsonMessages, drainJsonMessages } from '../progress/jsonmessage.ts';
import { usageError } from './context-common.ts';
import { isNameOnly, parseNamed, platformJson, registryAuth } from './image-common.ts';

interface TransferFlags {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
}

export function addPullCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('pull')
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .description('Download an image from a registry')
    .argument('[args...]')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .option('--disable-content-trust', 'Skip image verification (default true)')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress verbose output')
    .action(async (args: string[], flags: TransferFlags) => {
      if (args.length !== 1) usageError(cmd, 'requires 1 argument');
      await pull(getEnv(), args[0]!, flags);
    });
}

export function addPushCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('push')
    .usage('[OPTIONS] NAME[:TAG]')
    .description('Upload an image to a registry')
    .argument('[args...]')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .option('--disable-content-trust', 'Skip image signing (default true)')
    .option('--platform <string>', "Push a platform-specific manifest as a single-platform image to the registry.\nImage index won't be pushed, meaning that other manifests, including attestations won't be preserved.\n'os[/arch[/variant]]': Explicit platform (eg. linux/amd64)")
    .option('-q, --quiet', 'Suppress verbose output')
    .action(async (args: string[], flags: TransferFlags) => {
      if (args.length !== 1) usageError(cmd, 'requires 1 argument');
      await push(getEnv(), args[0]!, flags);
    });
}

/** Adds `:latest` to a bare name, saying so unless quiet (runPull / runPush). */
function withTag(env: CliEnv, raw: string, flags: TransferFlags): Reference {
  const ref = parseNamed(raw);
  if (flags.allTags && !isNameOnly(ref)) throw new Error("tag can't be used with --all-tags/-a");
  if (flags.allTags || !isNameOnly(ref)) return ref;
  if (!flags.quiet) env.out.write('Using default tag: latest\n');
  return { ...ref, tag: 'latest' };
}

async function pull(env: CliEnv, raw: string, flags: TransferFlags): Promise<void> {
  if (flags.allTags && isNameOnly(parseNamed(raw))) {
    throw new Error('berth does not support pull --all-tags/-a yet; pull the tags you need one at a time');
  }
  const ref = withTag(env, raw, flags);
  const platform = flags.platform ?? (env.env.DOCKER_DEFAULT_PLATFORM || undefined);
  const messages = env.client().images.pull({
    fromImage: repositoryName(ref),
    ...((ref.digest ?? ref.tag) && { tag: ref.digest ?? ref.tag }),
    ...(platform && { platform }),
    auth: registryAuth(env, ref.domain),
  });
  await (flags.quiet ? drainJsonMessages(messages) : displayJsonMessages(messages, env.out));
  env.out.write(`${formatReference(ref)}\n`);
}

async function push(env: CliEnv, raw: string, flags: TransferFlags): Promise<void> {
  const ref = withTag(env, raw, flags);
  if (ref.digest) throw new Error('cannot push a digest reference');
  const messages = env.client().images.push(familiarName(ref), {
    ...(!flags.allTags && ref.tag && { tag: ref.tag }),
    ...(flags.platform && { platform: platformJson(flags.platform) }),
    auth: registryAuth(env, ref.domain),
  });
  // The pushed digest also arrives as a status line; aux only carries notes for multi-platform pushes.
  const notes: string[] = [];
  const onAux = (m: JsonMessage) => {
    const aux = m.aux as { ManifestPushedInsteadOfIndex?: boolean; ImageManifest?: { digest?: string } } | null;
    if (aux?.ManifestPushedInsteadOfIndex) {
      notes.push(`Not all multiplatform-content is present and only the available single-platform image was pushed\n${familiarName(ref)} -> ${aux.ImageManifest?.digest ?? ''}`);
    }
  };
  try {
    if (!flags.quiet) return await displayJsonMessages(messages, env.out, { onAux });
    await drainJsonMessages(messages, onAux);
    env.out.write(`${formatReference(ref)}\n`);
  } finally {
    for (const note of notes) env.out.write(`Note: ${note}\n`);
  }
}
