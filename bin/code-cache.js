// Runs berthd's CommonJS bundle through vm.Script with a V8 code cache that a previous run made after
// it had done its work. Node's own compile cache (module.enableCompileCache) serializes a script
// right after compiling it, so it holds only what V8 compiles eagerly: every function a start
// runs is compiled again, lazily, at every start. A cache made after the run holds those too —
// measured for berthd (src/bench/daemon-footprint-codecache.ts): 20-54 ms less CPU to ready.
// The cache is keyed on the bundle's size and mtime and Node's version; V8 itself refuses a
// cache that does not fit (source hash, flags), and then the run makes a new one.
'use strict';
const { closeSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
// The CommonJS loader's Module class itself: require('node:module') is the same class, but the
// public builtin loads node:module and its source-map support into every start first.
const Module = module.constructor;
const { Script } = require('node:vm');

/** The cache is made this long after start: berthd's listeners are up, its restore is done. */
const CACHE_AFTER_MS = 3000;

function runWithCodeCache(file, dir, name) {
  const st = statSync(file);
  // One cache per bundle and node flags: each checkout's berthd (worktrees, an installed one)
  // and each flag set (V8 refuses a cache made under other flags) keeps its own, where one name
  // per user had them replace each other's cache at every start (issue 12).
  const key = `${name}.${fnv1a(`${file}\0${process.execArgv.join('\0')}`)}`;
  const stamp = `${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}`;
  const cacheFile = `${dir}/${key}.${stamp}.v8cache`;
  // Every fresh page costs a fault (~5-25 us in this VM), so the start reads with one buffer:
  // the bundle goes into it between Module.wrap's head and tail (one flat string: a wrapped
  // concatenation was copied again when V8 flattened it), then the cache over it (issue 12).
  const buf = readWrapped(file, st.size);
  const source = buf.utf8Slice(0, buf.length);
  const cst = statSync(cacheFile, { throwIfNoEntry: false });
  let cachedData;
  if (cst) {
    try {
      cachedData = readInto(cacheFile, cst.size <= buf.length ? buf.subarray(0, cst.size) : Buffer.allocUnsafeSlow(cst.size));
    } catch {
      cachedData = undefined; /* unreadable: this run makes another */
    }
  }
  const script = new Script(source, { filename: file, ...(cachedData && { cachedData }) });
  if (!cachedData || script.cachedDataRejected) setTimeout(() => saveCache(script, dir, key, cacheFile), CACHE_AFTER_MS).unref();
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext();
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  return mod.exports;
}

/** The bundle's bytes wrapped as Module.wrap wraps a CommonJS module, in one buffer. Decoded as
 * UTF-8 (the bundle is ASCII but for a few Latin-1 characters, which V8 keeps one byte each). */
function readWrapped(file, size) {
  const [head, tail] = Module.wrap('\0').split('\0');
  const buf = Buffer.allocUnsafeSlow(head.length + size + tail.length);
  buf.latin1Write(head, 0);
  readInto(file, buf.subarray(head.length, head.length + size));
  buf.latin1Write(tail, head.length + size);
  return buf;
}

/** Fills `into` from the start of `file` (a file shorter than it is an error). */
function readInto(file, into) {
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < into.length; ) {
      const n = readSync(fd, into, at, into.length - at, at);
      if (n === 0) throw new Error(`${file}: shorter than its size`);
      at += n;
    }
    return into;
  } finally {
    closeSync(fd);
  }
}

/** A short hash of a string, without loading node:crypto at every start. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** bin/berthd starts node with V8's Maglev count raised, and the daemon sets it back once
 * started (src/daemon/idle-heap.ts, endStartTiering: the same two numbers); V8 keys a cache on its
 * flags, so the cache is made under the start's value, which is what the next start reads it with. */
const MAGLEV_FLAG = '--invocation-count-for-maglev=';
const START_MAGLEV_CALLS = 2000;
const MAGLEV_CALLS = 400;

function createCachedData(script) {
  const start = process.execArgv.findLast((a) => a.startsWith(MAGLEV_FLAG));
  if (start !== `${MAGLEV_FLAG}${START_MAGLEV_CALLS}`) return script.createCachedData();
  const { setFlagsFromString } = require('node:v8');
  setFlagsFromString(start);
  try {
    return script.createCachedData();
  } finally {
    setFlagsFromString(`${MAGLEV_FLAG}${MAGLEV_CALLS}`);
  }
}

/** Written whole (a temporary file renamed), older caches of the same key removed; never fatal. */
function saveCache(script, dir, key, cacheFile) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, createCachedData(script));
    renameSync(tmp, cacheFile);
    for (const f of readdirSync(dir)) {
      // Also one named as before caches were kept per bundle and flags (`berthd.<size>-…`).
      const stale = f.startsWith(`${key}.`) || /^[a-z-]+\.\d+-\d+-v[\d.]+\.v8cache$/.test(f);
      if (stale && `${dir}/${f}` !== cacheFile && !f.endsWith('.tmp')) rmSync(`${dir}/${f}`, { force: true });
    }
  } catch {
    /* a cache we cannot write (read-only home, full disk) only costs the next start its speed */
  }
}

/**
 * bin/berthd's start, by itself: bin/launch.js's choice made here for berthd (the release bundle
 * unless dist/bin/berthd.js, the tsc build, is newer; an installed tree has only the bundle), so
 * a start loads one file of bin/ before the bundle, not two, and joins few paths with node:path.
 * Node's loader resolves each file it loads by walking its path a character at a time through
 * isPosixPathSeparator; bin/berthd's Maglev count for the start (2000, see there) must stay above
 * what the start makes of those calls: ~700 now (bare node alone ~250; src/lib/posix-path.ts
 * keeps the bundle's own joins out of it), >2000 before (issue 12). `binDir` is bin/.
 */
function launchBerthd(binDir) {
  const root = dirname(binDir);
  const bundle = `${root}/dist/release/berthd.js`;
  const b = statSync(bundle, { throwIfNoEntry: false });
  const c = statSync(`${root}/dist/bin/berthd.js`, { throwIfNoEntry: false });
  const dir = userCacheDir();
  if (b === undefined || (c !== undefined && c.mtimeMs > b.mtimeMs)) {
    require('node:module').enableCompileCache?.(dir && join(dir, 'compile-cache'));
    return import(`${root}/dist/bin/berthd.js`);
  }
  if (dir && process.env.BERTH_CODE_CACHE !== '0') return runWithCodeCache(bundle, `${dir}/code-cache`, 'berthd');
  require('node:module').enableCompileCache?.(dir && join(dir, 'compile-cache'));
  return require(bundle);
}

/** As bin/launch.js's cacheDir: the user's own cache directory for berth (XDG_CACHE_HOME or ~/.cache). */
function userCacheDir() {
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && join(process.env.HOME, '.cache'));
  return home ? join(home, 'berth') : undefined;
}

module.exports = { runWithCodeCache, launchBerthd };
