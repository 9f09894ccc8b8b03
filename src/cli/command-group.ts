// Command groups (`berth context`, `berth image`, ...) as docker presents them: without a
// subcommand the help goes to stderr with status 0; an unknown subcommand is an error.
import type { Command } from 'commander';
import { ExitCode } from './exit-code.ts';

/** "berth image ls" for the `ls` command under `image`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function addCommandGroup(parent: Command, name: string, description: string): Command {
  const group: Command = parent
    .command(name)
    .usage('COMMAND')
    .description(description)
    // As docker lists them: sorted, by name only.
    .configureHelp({ sortSubcommands: true, subcommandTerm: (cmd) => cmd.name() })
    .argument('[command]')
    .action((sub: string | undefined) => {
      if (sub === undefined) {
        group.outputHelp({ error: true });
        return;
      }
      const path = commandPath(group);
      process.stderr.write(`${path.split(' ')[0]}: unknown command: ${path} ${sub}\n\nUsage:  ${path}\n\nRun '${path} --help' for more information\n`);
      throw new ExitCode(1);
    });
  return group;
}
