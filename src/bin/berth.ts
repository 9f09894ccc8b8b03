// Entry point of the CLI executable (bin/berth). No top-level await: the release build bundles
// this file as CommonJS (scripts/bundle.mjs).
import { main } from '../cli/main.ts';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
