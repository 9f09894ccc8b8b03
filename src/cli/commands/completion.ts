// berth completion bash|zsh|fish: the script that makes a shell complete berth's command lines,
// and the hidden `berth __complete` the scripts call on every TAB (see ../completion/). Hidden
// from `berth --help`, as docker hides its own.
import type { Command } from 'commander';
import { addCommandGroup } from '../command-group.ts';
import { bashScript } from '../completion/bash-script.ts';
import { zshScript } from '../completion/zsh-script.ts';
import { fishScript } from '../completion/fish-script.ts';

type Script = (opts: { descriptions: boolean }) => string;

const SHELLS: [string, Script, string][] = [
  ['bash', bashScript, `Print the bash completion script for berth.

It works with or without the bash-completion package. To use it in the shell you are in:

\tsource <(berth completion bash)

To have it in every new shell, add that line to ~/.bashrc, or install the script once for all users (bash-completion then loads it the first time berth is completed):

\tberth completion bash > /usr/share/bash-completion/completions/berth

Descriptions are shown when the choices are listed (a second TAB).`],
  ['zsh', zshScript, `Print the zsh completion script for berth.

It needs zsh's completion system (compsys): ~/.zshrc must load it, with this line if it has none yet:

\tautoload -U compinit && compinit

To use it in the shell you are in:

\tsource <(berth completion zsh)

To have it in every new shell, install it as _berth in a directory of $fpath:

\tberth completion zsh > "\${fpath[1]}/_berth"

and start a new shell.`],
  ['fish', fishScript, `Print the fish completion script for berth.

To use it in the shell you are in:

\tberth completion fish | source

To have it in every new shell:

\tberth completion fish > ~/.config/fish/completions/berth.fish`],
];

export function registerCompletionCommands(program: Command): void {
  const group = addCommandGroup(program, 'completion', "Print a script that makes bash, zsh or fish complete berth command lines.\n'berth completion SHELL --help' tells how to load it.");
  (group as unknown as { _hidden: boolean })._hidden = true;
  for (const [shell, script, help] of SHELLS) {
    group
      .command(shell)
      .usage('[OPTIONS]')
      .summary(`Print the completion script for ${shell}`)
      .description(help)
      .option('--no-descriptions', 'Leave out the descriptions of the candidates')
      .action((flags: { descriptions: boolean }) => void process.stdout.write(script(flags)));
  }
  program
    .command('__complete', { hidden: true })
    .description('Complete a berth command line: the candidates for its last word, then a directive line (the shell scripts call it)')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .action(async () => {
      // The words exactly as the shell passed them: commander's own operands drop a `--`.
      const raw = (program as unknown as { rawArgs: string[] }).rawArgs;
      const { runCompletion } = await import('../completion/run-completion.ts');
      await runCompletion(raw.slice(raw.indexOf('__complete') + 1));
    });
}
