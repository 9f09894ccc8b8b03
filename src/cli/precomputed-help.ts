// The top-level help without commander: `berth`, `berth --help`, `-h` and `help` print the text
// `make cli-index` rendered (index/root-help.ts) when the stream's width is one it was rendered
// for. This module loads nothing else; anything it does not answer goes to main.
import { ROOT_HELP } from './index/command-index.generated.ts';

/** The help to print for argv and the stream it goes to, or undefined for main to handle. */
export function precomputedHelp(argv: readonly string[]): { text: string; stream: NodeJS.WriteStream } | undefined {
  const asked = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help');
  // As commander: no command at all is help on stderr (and status 0, as docker's).
  if (!asked && argv.length !== 0) return undefined;
  const stream = asked ? process.stdout : process.stderr;
  // commander's width: the terminal's columns, else 80.
  const width = (stream.isTTY ? stream.columns : undefined) ?? 80;
  if (width === 80) return { text: ROOT_HELP.narrow, stream };
  if (width >= ROOT_HELP.wideFrom) return { text: ROOT_HELP.wide, stream };
  return undefined;
}
