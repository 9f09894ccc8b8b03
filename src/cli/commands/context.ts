// berth context: docker's `docker context` commands over docker's own context store, so berth
// and docker see, create and switch the same contexts.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { ExitCode } from '../main.ts';
import { commandPath } from './context-common.ts';
import { registerCreateCommands } from './context-create.ts';
import { registerListCommands } from './context-list.ts';
import { registerTransferCommands } from './context-transfer.ts';
import { registerUseCommands } from './context-use.ts';

export function registerContextCommands(program: Command, getEnv: () => CliEnv): void {
  const context: Command = program
    .command('context')
    .usage('COMMAND')
    .description('Manage contexts')
    // As docker lists them: sorted, by name only.
    .configureHelp({ sortSubcommands: true, subcommandTerm: (cmd) => cmd.name() })
    .argument('[command]')
    .action((name: string | undefined) => {
      // Without a subcommand docker shows the help (on stderr, status 0); an unknown one is an error.
      if (name === undefined) {
        context.outputHelp({ error: true });
        return;
      }
      const path = commandPath(context);
      process.stderr.write(`${path.split(' ')[0]}: unknown command: ${path} ${name}\n\nUsage:  ${path}\n\nRun '${path} --help' for more information\n`);
      throw new ExitCode(1);
    });
  registerCreateCommands(context, getEnv);
  registerListCommands(context, getEnv);
  registerUseCommands(context, getEnv);
  registerTransferCommands(context, getEnv);
}
