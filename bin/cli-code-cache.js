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
'use strict';
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');

/** Command words the cache stops learning after: a stray word per run must not mean a write per run. */
const MAX_WORDS = 64;
/** Another bundle's cache unwritten this long is dropped (a removed checkout's): a used one is made again. */
const STALE_MS = 30 * 24 * 3600 * 1000;

// The bundle comes wrapped (scripts/bundle.mjs) in these: compiled as it is read, its text is the
// script — Module.wrap's copy of it (~0.4 MB in V8's young generation, flattened at compile)
// would cost a scavenge of its own. Run by node as an ordinary CommonJS file it calls itself;
// as a script (here, where `module` is not a global) its value is the module function.
const BUNDLE_HEAD =
  '(function(main){return typeof module=="object"&&typeof require=="function"?main.call(this,exports,require,module,__filename,__dirname):main})((function(exports,require,module,__filename,__dirname){';
const BUNDLE_TAIL = '\n}));\n';

/** `st`: the bundle's fs.Stats (bin/launch.js has it already). */
function runCliWithCodeCache(file, st, dir, argv) {
  const key = `berth.${fnv1a(`${file}\0${process.execArgv.join('\0')}`)}`;
  const cacheFile = join(dir, `${key}.${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}.v8cache`);
  const wordsFile = `${cacheFile}.words`;
  let cachedData;
  let words = [];
  try {
    cachedData = readFileSync(cacheFile);
    words = readFileSync(wordsFile, 'latin1').split(' ');
  } catch {
    /* none yet: this run makes it */
  }
  // latin1: the bundle is ASCII (esbuild escapes the rest), and a one-byte read skips decoding.
  const script = new Script(readFileSync(file, 'latin1'), { filename: file, ...(cachedData && { cachedData }) });
  const word = argv.find((a) => !a.startsWith('-')) ?? '';
  const fresh = !cachedData || script.cachedDataRejected;
  if (fresh || (!words.includes(word) && words.length < MAX_WORDS)) {
    process.once('exit', () => saveCache(script, dir, key, cacheFile, fresh ? [word] : [...words, word]));
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  return mod.exports;
}

/** A short hash of a string, without loading node:crypto at every start. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Written whole (temporary files renamed), older caches of the same key and long-unwritten ones removed; never fatal. */
function saveCache(script, dir, key, cacheFile, words) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    writeFileSync(`${tmp}w`, words.join(' '));
    renameSync(tmp, cacheFile);
    renameSync(`${tmp}w`, `${cacheFile}.words`);
    const mine = new Set([cacheFile, `${cacheFile}.words`]);
    for (const f of readdirSync(dir)) {
      // Also one named as before caches were kept per bundle and flags (`berth.<size>-…`).
      if (!f.startsWith('berth.') || mine.has(join(dir, f)) || f.includes('.tmp')) continue;
      const stale = f.startsWith(`${key}.`) || /^berth\.\d+-\d+-v[\d.]+\.v8cache(\.words)?$/.test(f) || Date.now() - (statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_MS;
      if (stale) rmSync(join(dir, f), { force: true });
    }
  } catch {
    /* a cache we cannot write (read-only home, full disk) only costs the next start its speed */
  }
}

module.exports = { runCliWithCodeCache, BUNDLE_HEAD, BUNDLE_TAIL };
