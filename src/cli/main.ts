// berth, the CLI: docker's global flags and command syntax, one module per command group. Only
// the module of the command being run is loaded (index/registrars.ts): every `berth` start pays
// for what it uses and no more.
import { Command, CommanderError } from 'commander';
import type { CliEnv, GlobalOptions } from './cli-env.ts';
import { reportError } from './errors.ts';
import { ExitCode } from './exit-code.ts';
import { operandsAfterGlobalFlags, rootProgram } from './root-program.ts';
import { findEntry, registerAll } from './index/command-index.ts';
import { addIndexEntries } from './index/root-help.ts';
import { COMMAND_INDEX } from './index/command-index.generated.ts';
import { REGISTRARS, WITHOUT_CLIENT } from './index/registrars.ts';

/** The whole program, every command registered (for completion and tests). */
export async function buildProgram(getEnv: () => CliEnv): Promise<Command> {
  const program = rootProgram();
  await registerAll(program, getEnv);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let env: CliEnv | undefined;
  const program = rootProgram();
  try {
    await addCommandsFor(program, argv, async () => {
      // The client and the config store, loaded only when a command runs (not for help).
      const { CliEnv } = await import('./cli-env.ts');
      return () => (env ??= new CliEnv(program.opts<GlobalOptions>()));
    });
    program.exitOverride();
    for (const cmd of allCommands(program)) cmd.exitOverride();
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    if (err instanceof ExitCode) return err.code;
    return reportError(err, env?.debug ?? false);
  }
}

/**
 * The module of the command argv names (`berth help X`: X's), registered for real; without one
 * (top-level help, `-v`, an unknown word), every command as its index entry, so the help lists
 * them all and an unknown command gets commander's suggestion.
 */
async function addCommandsFor(program: Command, argv: string[], loadEnv: () => Promise<() => CliEnv>): Promise<void> {
  const operands = operandsAfterGlobalFlags(program, argv);
  const word = operands[0] === 'help' ? operands[1] : operands[0];
  const entry = word === undefined ? undefined : findEntry(COMMAND_INDEX, word);
  if (entry) {
    const getEnv = entry.registrars.every((name) => WITHOUT_CLIENT.has(name))
      ? () => {
          throw new Error(`berth ${entry.name} does not talk to the daemon`);
        }
      : await loadEnv();
    for (const name of entry.registrars) (await REGISTRARS[name]())(program, getEnv);
    return;
  }
  addIndexEntries(program, COMMAND_INDEX);
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** docker exits 125 on usage errors; help and version are not errors. */
function commanderExit(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
  if (err.code === 'commander.executeSubCommandAsync') return err.exitCode;
  return 125;
}
