// Reads the words typed so far against one command's flags, as commander will parse them: which
// are operands, which flags were given, and whether the last word is a flag still waiting for
// its value (then the word being completed is that value).
import type { Command, Option } from 'commander';

export interface WalkedWords {
  operands: string[];
  /** The flags given, with their values (none for a boolean flag). */
  given: Map<Option, string[]>;
  /** The flag the word being completed is the value of. */
  pending?: Option;
  /** `--` was typed: every word after it is an operand. */
  flagsEnded: boolean;
  /** The words from the first operand on, when the walk stopped there (`stopAtOperand`). */
  rest: string[];
}

export interface WalkMode {
  /** Stop at the first operand: it names a subcommand (or, for `berth`, the command). */
  stopAtOperand?: boolean;
  /** After the first operand every word is an operand (`run IMAGE ls -l`: `-l` is the container's). */
  passThrough?: boolean;
}

export const takesValue = (opt: Option): boolean => opt.required || opt.optional;

export function walkWords(cmd: Command, words: readonly string[], mode: WalkMode = {}): WalkedWords {
  const out: WalkedWords = { operands: [], given: new Map(), flagsEnded: false, rest: [] };
  const give = (opt: Option, value?: string) => out.given.set(opt, [...(out.given.get(opt) ?? []), ...(value === undefined ? [] : [value])]);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const flagsOff = out.flagsEnded || (mode.passThrough === true && out.operands.length > 0);
    if (flagsOff || word === '-' || !word.startsWith('-')) {
      if (mode.stopAtOperand) {
        out.rest = words.slice(i);
        return out;
      }
      out.operands.push(word);
      continue;
    }
    if (word === '--') {
      out.flagsEnded = true;
      continue;
    }
    // The flag whose value comes in the next word, if this word ends with one.
    let waiting: Option | undefined;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const opt = findOption(cmd, eq < 0 ? word : word.slice(0, eq));
      if (opt && eq >= 0) give(opt, word.slice(eq + 1));
      else if (opt && opt.required) waiting = opt;
      else if (opt) give(opt);
    } else {
      waiting = shortCluster(cmd, word, give);
    }
    if (!waiting) continue;
    if (i + 1 === words.length) out.pending = waiting;
    else give(waiting, words[++i]);
  }
  return out;
}

/** `-it`, `-p80:80`, `-p 80:80`: the flags of a cluster; the one whose value is the next word. */
function shortCluster(cmd: Command, word: string, give: (opt: Option, value?: string) => void): Option | undefined {
  for (let j = 1; j < word.length; j++) {
    const opt = findOption(cmd, `-${word[j]}`);
    if (!opt) continue;
    if (!opt.required) {
      give(opt);
      continue;
    }
    if (j + 1 < word.length) give(opt, word.slice(j + 1).replace(/^=/, ''));
    else return opt;
    return undefined;
  }
  return undefined;
}

export function findOption(cmd: Command, flag: string): Option | undefined {
  return cmd.options.find((o) => o.long === flag || o.short === flag);
}
