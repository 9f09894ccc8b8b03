// `berth --help` as commander prints it from the index entries, rendered when the index is
// generated (`make cli-index`) so that a start asking only for it loads no commander (about what
// the rest of such a start costs). Help wraps to the terminal: the text is kept for the width
// of a pipe or file (80) and for every terminal wide enough that nothing wraps; any other width
// goes through commander as before.
import { Command, Help } from 'commander';
import { rootProgram } from '../root-program.ts';
import type { CommandIndexEntry } from './command-index.ts';

export interface RootHelp {
  /** The text for a width of 80 (stdout not a terminal, or an 80-column one). */
  narrow: string;
  /** The text for every width from wideFrom on. */
  wide: string;
  wideFrom: number;
}

/** Wider than any terminal line the help has; at this width and above nothing wraps. */
const UNWRAPPED = 400;

/** Every command as its index entry, so the help lists them all without loading one. */
export function addIndexEntries(program: Command, index: readonly CommandIndexEntry[]): void {
  const terms = new Map<Command, string>();
  for (const entry of index) {
    const cmd = new Command(entry.name).description(entry.description).aliases(entry.aliases);
    program.addCommand(cmd, { hidden: entry.hidden });
    terms.set(cmd, entry.term);
  }
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? Help.prototype.subcommandTerm.call(program.createHelp(), cmd) });
}

/** What commander prints for `berth --help` at a given width. */
export function renderRootHelp(index: readonly CommandIndexEntry[], width: number): string {
  const program = rootProgram();
  addIndexEntries(program, index);
  program.configureOutput({ getOutHelpWidth: () => width, getOutHasColors: () => false });
  return program.helpInformation();
}

export function rootHelp(index: readonly CommandIndexEntry[]): RootHelp {
  const wide = renderRootHelp(index, UNWRAPPED);
  let wideFrom = UNWRAPPED;
  while (wideFrom > 81 && renderRootHelp(index, wideFrom - 1) === wide) wideFrom--;
  return { narrow: renderRootHelp(index, 80), wide, wideFrom };
}
