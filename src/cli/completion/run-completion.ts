// `berth __complete <words...>`: the answer for the shell scripts, on stdout and nowhere else.
// Only the module of the command being completed is loaded (the index names it), so a TAB costs
// about what running that command's `--help` costs.
import type { Command } from 'commander';
import { rootProgram } from '../root-program.ts';
import { findEntry } from '../index/command-index.ts';
import { COMMAND_INDEX } from '../index/command-index.generated.ts';
import { REGISTRARS } from '../index/registrars.ts';
import type { CliEnv } from '../cli-env.ts';
import { complete } from './complete.ts';
import { Directive, formatCompletion, type Completion } from './protocol.ts';
import { nameLookup } from './name-sources.ts';

export async function runCompletion(words: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const lookup = nameLookup(env);
  let result: Completion;
  try {
    result = await complete(rootProgram(), words, { command: loadCommand, names: lookup.names });
  } catch {
    // Whatever went wrong, the user's prompt is no place for it: the shell offers nothing.
    result = { candidates: [], directive: Directive.Error };
  }
  process.stdout.write(formatCompletion(result));
  // A daemon that accepted the connection and never answered still holds it open, and the
  // shell waits for this process to end.
  if (lookup.stalled) process.exit(0);
}

/** The command a word names, registered on a program of its own by its module(s) only. */
export async function loadCommand(word: string): Promise<Command | undefined> {
  const entry = findEntry(COMMAND_INDEX, word);
  if (!entry) return undefined;
  const program = rootProgram();
  const noEnv = (): CliEnv => {
    throw new Error('completion runs no command');
  };
  for (const name of entry.registrars) (await REGISTRARS[name]())(program, noEnv);
  return program.commands.find((c) => c.name() === entry.name);
}
