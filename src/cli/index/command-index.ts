// What `berth --help`, an unknown command's suggestion and the dispatcher need to know of every
// top-level command without loading it: its name, aliases, help line and module. The entries are
// generated from the commands themselves (`make cli-index` writes command-index.generated.ts) and
// a test fails when they drift from what the modules register.
import type { Command } from 'commander';
import { REGISTRARS, REGISTRAR_NAMES, type RegistrarName } from './registrars.ts';
import type { CliEnv } from '../cli-env.ts';

export interface CommandIndexEntry {
  name: string;
  aliases: string[];
  /** The command as help lists it, e.g. "rm [options] <containers...>". */
  term: string;
  description: string;
  hidden: boolean;
  /**
   * The modules to load for it, in registration order: the one that registers it, then those that
   * add subcommands to it (container-files adds `container cp`, events adds `system events`).
   */
  registrars: RegistrarName[];
}

/** Registers every module's commands on `program` (completion scripts and the index need them all). */
export async function registerAll(program: Command, getEnv: () => CliEnv): Promise<Map<Command, RegistrarName[]>> {
  const owners = new Map<Command, RegistrarName[]>();
  for (const name of REGISTRAR_NAMES) {
    const before = new Map(program.commands.map((cmd) => [cmd, cmd.commands.length]));
    (await REGISTRARS[name]())(program, getEnv);
    for (const cmd of program.commands) {
      const had = before.get(cmd);
      if (had === undefined) owners.set(cmd, [name]);
      else if (cmd.commands.length > had) owners.get(cmd)?.push(name);
    }
  }
  return owners;
}

/** The index entries of a program on which registerAll registered every command. */
export function describeCommands(program: Command, owners: Map<Command, RegistrarName[]>): CommandIndexEntry[] {
  const help = program.createHelp();
  return program.commands.map((cmd) => {
    const registrars = owners.get(cmd);
    if (!registrars) throw new Error(`command ${cmd.name()} was not registered by a registrar`);
    return {
      name: cmd.name(),
      aliases: cmd.aliases(),
      term: help.subcommandTerm(cmd),
      description: cmd.description(),
      hidden: (cmd as unknown as { _hidden?: boolean })._hidden === true,
      registrars,
    };
  });
}

/** The entry a command word (name or alias) names. */
export function findEntry(index: readonly CommandIndexEntry[], word: string): CommandIndexEntry | undefined {
  return index.find((e) => e.name === word || e.aliases.includes(word));
}
