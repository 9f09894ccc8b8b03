// Entry point of bin/berthd-rootless-setup (src/rootless-setup/main.ts). No top-level await:
// the release build bundles this file as CommonJS (scripts/bundle.mjs).
import { main } from '../rootless-setup/main.ts';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
