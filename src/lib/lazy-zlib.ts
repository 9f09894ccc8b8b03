// node:zlib at its first use. Imported, it is one of the bundle's lazy builtins (scripts/bundle.mjs),
// but that module itself (a getter for each of zlib's ~250 names) and its copy into every module
// importing it were evaluated at every berthd start, for the log rotation, layer and image code
// that an idle daemon never runs (issue 12).
import type * as Zlib from 'node:zlib';

let loaded: typeof Zlib | undefined;

export const zlib = (): typeof Zlib => (loaded ??= process.getBuiltinModule('node:zlib'));
