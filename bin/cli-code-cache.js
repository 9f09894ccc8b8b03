// Runs the CLI's CommonJS bundle through vm.Script with a V8 code cache made at the exit of an
// earlier run, so the functions that run already have their bytecode. Node's compile cache
// (module.enableCompileCache) makes its cache right after compiling, before anything runs: it
// holds only what V8 compiles eagerly, and every function a `berth ps` runs (commander, the
// client, the formatter) is parsed and compiled again at every start — callgrind, berth ps: 216M
// instructions on the main thread with Node's compile cache, 153M with this one (node -e 0: 90M).
// A run whose command word the cache has not seen yet writes it again at exit (what was read
// from the cache plus what this run compiled), so a few different commands fill it; the words
// are kept beside it. One cache per bundle path and node flags (V8 refuses a cache made under
// other flags), so two checkouts' berth, or an installed one and a checkout's, keep their own;
// keyed on the bundle's size and mtime and Node's version. V8 refuses a cache that does not fit
// (source, flags), and then the run makes a new one.
// (The code itself is in bin/launch.js, which every start loads anyway.)
'use strict';
const { runCliWithCodeCache, BUNDLE_HEAD, BUNDLE_TAIL } = require('./launch.js');

module.exports = { runCliWithCodeCache, BUNDLE_HEAD, BUNDLE_TAIL };
