// pflag lets a boolean flag take a value in the same argument (`--sig-proxy=false`, `--rm=true`);
// commander does not. This teaches one command that syntax, for the arguments that are still
// options (with pass-through, those before the first operand).
import type { Command, Option } from 'commander';
import { flagError, invalidFlagValue } from '../commands/context-common.ts';
import { parseGoBool } from './go-values.ts';

export function acceptGoBools(cmd: Command): void {
  const original = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (args: string[]) => {
    const rewritten: string[] = [];
    const falses: Option[] = [];
    let i = 0;
    for (; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--') break;
      if (!arg.startsWith('-') || arg === '-') {
        if ((cmd as unknown as { _passThroughOptions: boolean })._passThroughOptions) break;
        rewritten.push(arg);
        continue;
      }
      const eq = arg.indexOf('=');
      const opt = findOption(cmd, eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg);
      if (opt && eq > 0 && arg.startsWith('--') && opt.isBoolean()) {
        const raw = arg.slice(eq + 1);
        let value: boolean;
        try {
          value = parseGoBool(raw);
        } catch (err) {
          invalidFlagValue(cmd, opt.short ? `${opt.short}, ${opt.long}` : opt.long!, raw, (err as Error).message);
        }
        if (value) rewritten.push(opt.long!);
        else falses.push(opt);
        continue;
      }
      rewritten.push(arg);
      // The value of `--name value` / `-m 1g` is the next argument, not an operand.
      if (opt && opt.required && eq === -1 && i + 1 < args.length) rewritten.push(args[++i]!);
    }
    const result = original([...rewritten, ...args.slice(i)]);
    for (const opt of falses) cmd.setOptionValueWithSource(opt.attributeName(), opt.negate, 'cli');
    return result;
  };
}

function findOption(cmd: Command, flag: string): Option | undefined {
  return cmd.options.find((o) => o.long === flag || o.short === flag);
}

/** pflag's words for an unknown flag or a flag without its value, instead of commander's. */
export function pflagErrors(cmd: Command): void {
  // Commander reports through these two (undeclared) methods; replacing them changes only the words.
  const hooks = cmd as unknown as { unknownOption(flag: string): void; optionMissingArgument(option: Option): void };
  hooks.unknownOption = (flag: string) => {
    flagError(cmd, flag.startsWith('--') ? `unknown flag: ${flag.split('=')[0]}` : `unknown shorthand flag: '${flag[1]}' in ${flag}`);
  };
  hooks.optionMissingArgument = (option: Option) => {
    flagError(cmd, option.long ? `flag needs an argument: ${option.long}` : `flag needs an argument: '${option.short!.slice(1)}' in ${option.short}`);
  };
}
