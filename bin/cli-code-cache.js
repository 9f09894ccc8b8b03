// Runs the CLI's CommonJS bundle through vm.Script with a V8 code cache made at the exit of an
// earlier run, so the functions that run already have their bytecode. Node's compile cache
// (module.enableCompileCache) makes its cache right after compiling, before anything runs: it
// holds only what V8 compiles eagerly, and every function a `berth ps` runs (commander, the
// client, the formatter) is parsed and compiled again at every start — callgrind, berth ps: 216M
// instructions on the main thread with Node's compile cache, 153M with this one (node -e 0: 90M).
// A run whose command word the cache has not seen yet writes it again at exit (what was read
// from the cache plus what this run compiled), so a few different commands fill it; the words
// are kept beside it. Keyed on the bundle's size and mtime and Node's version; V8 refuses a
// cache that does not fit (source, flags), and then the run makes a new one.
'use strict';
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');

/** Command words the cache stops learning after: a stray word per run must not mean a write per run. */
const MAX_WORDS = 64;

/** `st`: the bundle's fs.Stats (bin/launch.js has it already). */
function runCliWithCodeCache(file, st, dir, argv) {
  const cacheFile = join(dir, `berth.${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}.v8cache`);
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
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, ...(cachedData && { cachedData }) });
  const word = argv.find((a) => !a.startsWith('-')) ?? '';
  const fresh = !cachedData || script.cachedDataRejected;
  if (fresh || (!words.includes(word) && words.length < MAX_WORDS)) {
    process.once('exit', () => saveCache(script, dir, cacheFile, fresh ? [word] : [...words, word]));
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  return mod.exports;
}

/** Written whole (temporary files renamed), older caches of the CLI removed; never fatal. */
function saveCache(script, dir, cacheFile, words) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    writeFileSync(`${tmp}w`, words.join(' '));
    renameSync(tmp, cacheFile);
    renameSync(`${tmp}w`, `${cacheFile}.words`);
    const mine = new Set([cacheFile, `${cacheFile}.words`]);
    for (const f of readdirSync(dir)) {
      if (f.startsWith('berth.') && !mine.has(join(dir, f)) && !f.includes('.tmp')) rmSync(join(dir, f), { force: true });
    }
  } catch {
    /* a cache we cannot write (read-only home, full disk) only costs the next start its speed */
  }
}

module.exports = { runCliWithCodeCache };
