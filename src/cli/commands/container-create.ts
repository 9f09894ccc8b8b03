// berth create, and the part of berth run it shares (docker's createContainer): the request
// body from the shared flags, --cidfile, --pull (missing images are pulled, progress on
// stderr), the daemon's warnings.
import { existsSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { isKind } from '../../api/types/errors.ts';
import { familiarString, parseReference, repositoryName, withDefaultTag, type Reference } from '../../image/reference.ts';
import { addContainerFlags, type ContainerFlags } from '../container-opts/container-flags.ts';
import { parseContainerFlags, type CreateBody } from '../container-opts/container-parse.ts';
import { ttySize } from '../attach/terminal.ts';
import { displayJsonMessages, drainJsonMessages } from '../progress/jsonmessage.ts';
import { ExitCode } from '../exit-code.ts';
import { usageError } from './context-common.ts';
import { platformJson, registryAuth } from './image-common.ts';

export interface CreateFlags extends ContainerFlags {
  name?: string;
}

/** The flags of create and run, on `cmd`; run adds its own few. */
export function containerCommand(parent: Command, name: 'create' | 'run', description: string): Command {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description(description)
    .argument('[args...]')
    .passThroughOptions()
    .option('--name <string>', 'Assign a name to the container');
  addContainerFlags(cmd);
  return cmd;
}

export function addCreateCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = containerCommand(parent, 'create', 'Create a new container');
  cmd.action(async (args: string[], flags: CreateFlags) => {
    if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
    const env = getEnv();
    const body = parseForCommand(env, 'create', flags, args);
    env.out.write(`${await createContainer(env, body, flags)}\n`);
  });
}

/** docker's withHelp: "berth: <reason>" and a pointer to --help, exit 125. */
export function failWithHelp(command: string, message: string, code = 125): ExitCode {
  process.stderr.write(`berth: ${message}\n\nRun 'berth ${command} --help' for more information\n`);
  return new ExitCode(code);
}

export function parseForCommand(env: CliEnv, command: string, flags: CreateFlags, args: string[]): CreateBody {
  const pull = flags.pull ?? 'missing';
  if (!['always', 'missing', 'never'].includes(pull)) {
    throw failWithHelp(command, `invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  }
  try {
    return parseContainerFlags(flags, args[0]!, args.slice(1), {
      proxies: env.configFile.proxies as Record<string, Record<string, string>> | undefined,
      daemonHost: env.endpoint.host,
      consoleSize: ttySize(),
    });
  } catch (err) {
    throw failWithHelp(command, (err as Error).message);
  }
}

/** Creates the container (pulling its image first when asked or missing); resolves with its id. */
export async function createContainer(env: CliEnv, body: CreateBody, flags: CreateFlags): Promise<string> {
  const cid = cidFile(body.HostConfig.ContainerIDFile as string);
  try {
    // An image id is used as it is; a name is checked here and pulled by its tagged name.
    const ref = /^(sha256:)?[a-f0-9]{64}$/.test(body.Image) ? undefined : withDefaultTag(clientParse(body.Image));
    const containers = env.client().containers;
    if (flags.pull === 'always' && ref) await pullImage(env, ref, flags);
    const platform = flags.platform ? platformPath(flags.platform) : undefined;
    const create = () => containers.createWithOptions(body, { name: flags.name, platform });
    let created;
    try {
      created = await create();
    } catch (err) {
      if (!(isKind(err, 'not-found') && ref && (flags.pull ?? 'missing') === 'missing')) throw err;
      if (!flags.quiet) env.err.write(`Unable to find image '${familiarString(ref)}' locally\n`);
      await pullImage(env, ref, flags);
      created = await create();
    }
    const warnings = [...(created.Warnings ?? [])];
    const loopbackDns = ((body.HostConfig.Dns as string[]) ?? []).find((ip) => /^(127\.|::1$|0:0:0:0:0:0:0:1$)/.test(ip));
    if (loopbackDns) warnings.push(`Localhost DNS (${loopbackDns}) may fail in containers.`);
    for (const w of warnings) env.err.write(`WARNING: ${w}\n`);
    cid.write(created.Id);
    return created.Id;
  } finally {
    cid.close();
  }
}

/** platforms.Parse, sent as os/arch[/variant]. */
function platformPath(raw: string): string {
  let p: { os: string; architecture: string; variant?: string };
  try {
    p = JSON.parse(platformJson(raw)) as typeof p;
  } catch (err) {
    throw new Error(`error parsing specified platform: ${(err as Error).message}`);
  }
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** A bad image name is the client's own error, not the daemon's. */
function clientParse(name: string): Reference {
  try {
    return parseReference(name);
  } catch (err) {
    throw new Error((err as Error).message);
  }
}

async function pullImage(env: CliEnv, ref: Reference, flags: CreateFlags): Promise<void> {
  const messages = env.client().images.pull({
    fromImage: repositoryName(ref),
    ...((ref.digest ?? ref.tag) && { tag: ref.digest ?? ref.tag }),
    ...(flags.platform && { platform: flags.platform }),
    auth: registryAuth(env, ref.domain),
  });
  await (flags.quiet ? drainJsonMessages(messages) : displayJsonMessages(messages, env.err));
}

/** --cidfile: refused when it exists; removed again unless the id got written into it. */
function cidFile(path: string): { write(id: string): void; close(): void } {
  if (!path) return { write: () => undefined, close: () => undefined };
  if (existsSync(path)) throw new Error(`container ID file found, make sure the other container isn't running or delete ${path}`);
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o666);
  } catch (err) {
    throw new Error(`failed to create the container ID file: ${(err as Error).message}`);
  }
  let written = false;
  return {
    write(id) {
      writeSync(fd, id);
      written = true;
    },
    close() {
      closeSync(fd);
      if (!written) rmSync(path, { force: true });
    },
  };
}
