// berth context use / rm / show: which context is current, kept in config.json as docker keeps it.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { currentContextName } from '../endpoint-resolver.ts';
import { saveConfigFile } from '../config/docker-config.ts';
import { ContextStore, validateContextName } from '../context/store.ts';
import { DEFAULT_CONTEXT, hostOverridesContext, joinErrors, noArgs, usageError } from './context-common.ts';

export function registerUseCommands(context: Command, getEnv: () => CliEnv): void {
  context
    .command('use')
    .usage('CONTEXT')
    .description('Set the current docker context')
    .argument('[args...]')
    .action((args: string[]) => {
      // `use` is the one subcommand that takes cobra's own argument check and wording.
      if (args.length !== 1) throw new Error(`accepts 1 arg(s), received ${args.length}`);
      runUse(getEnv(), args[0]);
    });

  const rm: Command = context
    .command('rm')
    .alias('remove')
    .usage('CONTEXT [CONTEXT...]')
    .description('Remove one or more contexts')
    .argument('[args...]')
    .option('-f, --force', 'Force the removal of a context in use')
    .action((args: string[], flags: { force?: boolean }) => {
      if (args.length < 1) usageError(rm, 'requires at least 1 argument', 'See');
      runRemove(getEnv(), args, flags.force === true);
    });

  const show: Command = context
    .command('show')
    .usage(' ')
    .description('Print the name of the current context')
    .argument('[args...]')
    .action((args: string[]) => {
      noArgs(show, args);
      const env = getEnv();
      env.out.write(`${currentContextName(env)}\n`);
    });
}

function runUse(env: CliEnv, name: string): void {
  // config.json stores no currentContext for "default".
  let value = '';
  if (name !== DEFAULT_CONTEXT) {
    validateContextName(name);
    new ContextStore(env.configDir).get(name);
    value = name;
  }
  const config = env.configFile;
  if ((config.currentContext ?? '') !== value) {
    if (value) config.currentContext = value;
    else delete config.currentContext;
    saveConfigFile(env.configDir, config);
  }
  env.out.write(`${name}\n`);
  env.err.write(`Current context is now "${name}"\n`);
  if (name !== DEFAULT_CONTEXT && hostOverridesContext(env)) {
    env.err.write(`Warning: DOCKER_HOST environment variable overrides the active context. To use "${name}", either set the global --context flag, or unset DOCKER_HOST environment variable.\n`);
  }
}

function runRemove(env: CliEnv, names: string[], force: boolean): void {
  const store = new ContextStore(env.configDir);
  const current = currentContextName(env);
  const errs: Error[] = [];
  for (const name of names) {
    try {
      if (name === DEFAULT_CONTEXT) throw new Error('context "default" cannot be removed');
      if (name === current) {
        if (!force) throw new Error(`context "${name}" is in use, set -f flag to force remove`);
        // Fall back to DOCKER_HOST, as docker does.
        const config = env.configFile;
        delete config.currentContext;
        saveConfigFile(env.configDir, config);
      }
      if (!force && !store.hasMetadataDir(name)) throw new Error(`context "${name}" does not exist`);
      store.remove(name);
      env.out.write(`${name}\n`);
    } catch (err) {
      errs.push(err as Error);
    }
  }
  const err = joinErrors(errs);
  if (err) throw err;
}
