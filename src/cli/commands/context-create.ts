// berth context create / update, as docker's RunCreate / RunUpdate.
import type { Command, HelpConfiguration } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { currentContextName } from '../endpoint-resolver.ts';
import { ContextNotFoundError, validateContextName, type ContextMeta, type ContextStore } from '../context/store.ts';
import { ContextsView, DEFAULT_CONTEXT, DEFAULT_DESCRIPTION, exactArgs, invalidFlagValue } from './context-common.ts';
import { FlagValueError, dockerEndpointFromConfig, endpointHelp, parseStringToString } from './context-endpoint.ts';

interface EndpointFlags {
  description?: string;
  docker?: Map<string, string>;
}

interface CreateFlags extends EndpointFlags {
  from?: string;
}

export function registerCreateCommands(context: Command, getEnv: () => CliEnv): void {
  const create: Command = context
    .command('create')
    .usage('[OPTIONS] CONTEXT')
    .summary('Create a context')
    .description(endpointHelp('Create'))
    .configureHelp(unwrapped(context))
    .argument('[args...]')
    .option('--description <string>', 'Description of the context')
    .option('--docker <stringToString>', 'set the docker endpoint (default [])', (v: string, prev?: Map<string, string>) => dockerFlag(create, v, prev))
    .option('--from <string>', 'create context from a named context')
    .action((args: string[], flags: CreateFlags) => {
      exactArgs(create, args, 1);
      runCreate(getEnv(), args[0], flags);
    });

  const update: Command = context
    .command('update')
    .usage('[OPTIONS] CONTEXT')
    .summary('Update a context')
    .description(endpointHelp('Update'))
    .configureHelp(unwrapped(context))
    .argument('[args...]')
    .option('--description <string>', 'Description of the context')
    .option('--docker <stringToString>', 'set the docker endpoint (default [])', (v: string, prev?: Map<string, string>) => dockerFlag(update, v, prev))
    .action((args: string[], flags: EndpointFlags) => {
      exactArgs(update, args, 1);
      runUpdate(getEnv(), args[0], flags);
    });
}

/** The help as configured for `context`, except that the table and example stay unwrapped, as docker prints them. */
function unwrapped(parent: Command): HelpConfiguration {
  return { ...parent.configureHelp(), boxWrap: (text: string) => text };
}

function dockerFlag(cmd: Command, value: string, previous: Map<string, string> | undefined): Map<string, string> {
  try {
    return parseStringToString(value, previous);
  } catch (err) {
    if (err instanceof FlagValueError) invalidFlagValue(cmd, '--docker', value, err.message);
    throw err;
  }
}

/** docker's checkContextNameForCreation. */
export function checkNameForCreation(store: ContextStore, name: string): void {
  validateContextName(name);
  try {
    store.get(name);
  } catch (err) {
    if (err instanceof ContextNotFoundError) return;
    throw new Error(`error while getting existing contexts: ${(err as Error).message}`);
  }
  throw new Error(`context "${name}" already exists`);
}

function runCreate(env: CliEnv, name: string, flags: CreateFlags): void {
  const view = new ContextsView(env);
  checkNameForCreation(view.store, name);
  if (!flags.from && flags.docker === undefined) createFromExisting(view, currentContextName(env), name, flags);
  else if (flags.from) createFromExisting(view, flags.from, name, flags);
  else createNew(view, name, flags);
  env.out.write(`${name}\n`);
  env.err.write(`Successfully created context "${name}"\n`);
}

function createNew(view: ContextsView, name: string, flags: CreateFlags): void {
  let endpoint;
  try {
    endpoint = dockerEndpointFromConfig(view, flags.docker ?? new Map());
  } catch (err) {
    throw new Error(`unable to create docker endpoint config: ${(err as Error).message}`);
  }
  const meta: ContextMeta = {
    Name: name,
    Metadata: flags.description ? { Description: flags.description } : {},
    Endpoints: { docker: endpoint.meta },
  };
  view.store.save(meta);
  view.store.resetTls(name, endpoint.tls ? { docker: endpoint.tls } : undefined);
}

/** docker exports the source context (with the new description) and imports it under the new name. */
function createFromExisting(view: ContextsView, from: string, name: string, flags: CreateFlags): void {
  if (flags.docker !== undefined && flags.docker.size > 0) throw new Error('cannot use --docker flag when --from is set');
  const source = view.get(from);
  const metadata = { ...source.Metadata };
  if (source.Name === DEFAULT_CONTEXT) metadata.Description = DEFAULT_DESCRIPTION;
  if (flags.description) metadata.Description = flags.description;
  const tls = view.tlsData(from);
  validateContextName(name);
  view.store.save({ ...source, Name: name, Metadata: metadata });
  view.store.resetTls(name, tls);
}

function runUpdate(env: CliEnv, name: string, flags: EndpointFlags): void {
  validateContextName(name);
  const view = new ContextsView(env);
  const meta = view.store.get(name);
  if (flags.description) meta.Metadata = { ...meta.Metadata, Description: flags.description };
  let tls: Record<string, Buffer> | undefined;
  const resetTls = flags.docker !== undefined;
  if (flags.docker !== undefined) {
    let endpoint;
    try {
      endpoint = dockerEndpointFromConfig(view, flags.docker);
    } catch (err) {
      throw new Error(`unable to create docker endpoint config: ${(err as Error).message}`);
    }
    meta.Endpoints = { ...meta.Endpoints, docker: endpoint.meta };
    tls = endpoint.tls;
  }
  view.store.save(meta);
  if (resetTls) view.store.resetEndpointTls(name, 'docker', tls);
  env.out.write(`${name}\n`);
  env.err.write(`Successfully updated context "${name}"\n`);
}
