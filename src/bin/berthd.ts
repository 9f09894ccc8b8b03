// Entry point of the daemon executable (bin/berthd). No top-level await: the release build
// bundles this file as CommonJS (scripts/bundle.mjs).
import { main } from '../daemon/main.ts';

// Once main returns the daemon is done: watches on running containers (their exits, their log
// sizes) must not keep the process alive, so it ends here rather than when the loop drains.
void main(process.argv.slice(2)).then((code) => process.exit(code));
