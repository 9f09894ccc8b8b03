// The candidates for the word being completed, from the words before it: commands from the
// command index (no command module loaded), subcommands and flags from the one module of the
// command typed, names (containers, images...) from where they live.
import type { Command, Option } from 'commander';
import { COMMAND_INDEX } from '../index/command-index.generated.ts';
import type { GlobalOptions } from '../cli-env.ts';
import { DEFAULT_DIRECTIVE, Directive, matching, noFiles, type Candidate, type Completion } from './protocol.ts';
import { flagValueSource, operandSource, type NameSource } from './arg-specs.ts';
import { findOption, takesValue, walkWords, type WalkedWords } from './walk-words.ts';

export interface CompletionSources {
  /** The top-level command a word names, with its subcommands and flags (its module loaded). */
  command(word: string): Promise<Command | undefined>;
  /** The names of a kind, from the daemon or the context store the global flags select. */
  names(source: NameSource, globals: GlobalOptions): Promise<string[]>;
}

type Names = (source: NameSource) => Promise<string[]>;

/** `words`: what follows `berth` on the line, the last one the word being completed. */
export async function complete(root: Command, words: readonly string[], sources: CompletionSources): Promise<Completion> {
  const typed = words.at(-1) ?? '';
  const walked = walkWords(root, words.slice(0, -1), { stopAtOperand: true });
  const globals = globalOptions(walked);
  const names: Names = (source) => sources.names(source, globals);
  if (walked.pending) return flagValue(walked.pending, '', typed, names);
  const [word, ...after] = walked.rest;
  if (word === undefined) return typed.startsWith('-') ? flagsOrValue(root, walked, typed, names) : noFiles(matching(topLevelCommands(), typed));
  if (word === 'help') return noFiles(after.length === 0 ? matching(topLevelCommands(), typed) : []);
  const cmd = await sources.command(word);
  if (!cmd) return noFiles([]);
  return completeUnder(cmd, cmd.name(), after, typed, names);
}

async function completeUnder(cmd: Command, path: string, before: readonly string[], typed: string, names: Names): Promise<Completion> {
  const group = cmd.commands.length > 0;
  const passThrough = (cmd as unknown as { _passThroughOptions?: boolean })._passThroughOptions === true;
  const walked = walkWords(cmd, before, { stopAtOperand: group, passThrough });
  if (walked.pending) return flagValue(walked.pending, '', typed, names);
  if (group && walked.rest.length > 0) {
    const sub = cmd.commands.find((c) => c.name() === walked.rest[0] || c.aliases().includes(walked.rest[0]));
    return sub ? completeUnder(sub, `${path} ${sub.name()}`, walked.rest.slice(1), typed, names) : noFiles([]);
  }
  const flagsOn = !walked.flagsEnded && !(passThrough && walked.operands.length > 0);
  if (flagsOn && typed.startsWith('-')) return flagsOrValue(cmd, walked, typed, names);
  if (group) return noFiles(subcommands(cmd, typed));
  return fromSource(operandSource(path, walked.operands.length), '', typed, names);
}

/** `--flag=val` completes the value; otherwise the flags not given yet (or that repeat). */
async function flagsOrValue(cmd: Command, walked: WalkedWords, typed: string, names: Names): Promise<Completion> {
  const eq = typed.indexOf('=');
  if (typed.startsWith('--') && eq > 0) {
    const opt = findOption(cmd, typed.slice(0, eq));
    return opt && takesValue(opt) ? flagValue(opt, typed.slice(0, eq + 1), typed.slice(eq + 1), names) : noFiles([]);
  }
  const offered = cmd.options.filter((o) => !o.hidden && !(walked.given.has(o) && !repeats(o)));
  const candidates = offered.flatMap((o) => [o.long, o.short].filter((f) => f !== undefined).map((f) => ({ value: f, description: o.description })));
  return noFiles(matching(candidates, typed));
}

/** A flag given twice either collects (`-e a -e b`) or the last wins; booleans never need it. */
function repeats(opt: Option): boolean {
  return takesValue(opt) && (opt.variadic || (opt.parseArg !== undefined && !opt.argChoices));
}

function flagValue(opt: Option, prefix: string, typed: string, names: Names): Promise<Completion> {
  const source = opt.argChoices ?? flagValueSource(opt.long);
  return fromSource(source, prefix, typed, names);
}

async function fromSource(source: NameSource | readonly string[], prefix: string, typed: string, names: Names): Promise<Completion> {
  if (source === 'files') return { candidates: [], directive: DEFAULT_DIRECTIVE };
  if (source === 'dirs') return { candidates: [], directive: Directive.FilterDirs };
  if (source === 'none') return noFiles([]);
  const values = typeof source === 'string' ? await names(source) : source;
  return noFiles(matching(values.map((v) => ({ value: prefix + v })), prefix + typed));
}

/** Visible subcommands by name; by alias only when no name fits (`container list` is `ls`). */
function subcommands(cmd: Command, typed: string): Candidate[] {
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const byName = matching(visible.map((c) => ({ value: c.name(), description: c.summary() || c.description() })), typed);
  if (byName.length > 0) return byName;
  return visible.flatMap((c) => c.aliases().filter((a) => a.startsWith(typed)).map((a) => ({ value: a, description: c.description() })));
}

function topLevelCommands(): Candidate[] {
  const visible = COMMAND_INDEX.filter((e) => !e.hidden).map((e) => ({ value: e.name, description: e.description }));
  return [...visible, { value: 'help', description: 'Help about any command' }];
}

/** The global flags given before the command: they choose the daemon (-H, --context, TLS). */
function globalOptions(walked: WalkedWords): GlobalOptions {
  const opts: Record<string, unknown> = {};
  for (const [opt, values] of walked.given) {
    const key = opt.attributeName();
    if (key === 'host') opts.host = values;
    else opts[key] = takesValue(opt) ? values.at(-1) : true;
  }
  return opts as GlobalOptions;
}
