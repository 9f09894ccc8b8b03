// Entry point of the CLI executable (bin/berth). No top-level await: the release build bundles
// this file as CommonJS (scripts/bundle.mjs). The top-level help is answered before main (and
// commander) is loaded at all.
import { precomputedHelp } from '../cli/precomputed-help.ts';
import { quietWhenReaderGone } from '../cli/closed-output.ts';

quietWhenReaderGone();
const argv = process.argv.slice(2);
const help = precomputedHelp(argv);
if (help) {
  help.stream.write(help.text);
} else {
  void import('../cli/main.ts')
    .then(({ main }) => main(argv))
    .then((code) => {
      process.exitCode = code;
    });
}
