// Which build of an executable bin/berth runs (bin/berthd makes the same choice itself): the release bundle
// (dist/release/<name>.js, `make build`) unless dist/bin/<name>.js is newer — the tsc build a
// developer just made, so a stale bundle is never what runs. An installed tree has only the
// bundle. The test harness asks the same question (src/testing/berthd-harness.ts).
'use strict';
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

function stat(path) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The build to run for `name` (berth, berthd, berth-dns): its file, and whether it is the bundle. */
function pick(name) {
  // Strings, not path.join: __dirname is absolute and normalised already, and node's path
  // normalisation, run a few dozen times at start (here and in its module loader), gets hot
  // enough for V8 to compile it with Maglev in every `berth` run.
  const root = __dirname.slice(0, __dirname.lastIndexOf('/'));
  const bundle = `${root}/dist/release/${name}.js`;
  const compiled = `${root}/dist/bin/${name}.js`;
  const b = stat(bundle);
  const c = stat(compiled);
  return b !== undefined && (c === undefined || b.mtimeMs >= c.mtimeMs) ? { file: bundle, bundled: true, st: b } : { file: compiled, bundled: false };
}

/** The file to run for `name`. */
function programFile(name) {
  return pick(name).file;
}

/** The user's own cache directory for berth (XDG_CACHE_HOME or ~/.cache), if there is a home. */
function cacheDir() {
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && join(process.env.HOME, '.cache'));
  return home ? join(home, 'berth') : undefined;
}

/** Whether the CLI's arguments ask only for the root help. */
function rootHelp(args) {
  return args.length === 0 || (args.length === 1 && (args[0] === '--help' || args[0] === '-h'));
}

/**
 * The bundle of the command argv names (scripts/bundle-cli.mjs: only that command's modules), or
 * the whole CLI's. The word is found as main finds it (cli/root-program.ts,
 * operandsAfterGlobalFlags; `help X` is X's); a bundle given a command it lacks runs the whole one.
 */
function cliBundle(file, argv) {
  let index;
  try {
    index = JSON.parse(readFileSync(`${dirname(file)}/berth-cmd/index.json`, 'latin1'));
  } catch {
    return file; // a build or an install without them
  }
  const operands = operandsAfterGlobalFlags(argv, new Set(index.valueFlags));
  const word = operands[0] === 'help' ? operands[1] : operands[0];
  return word !== undefined && Object.hasOwn(index.words, word) ? `${dirname(file)}/berth-cmd/${index.words[word]}` : file;
}

function operandsAfterGlobalFlags(argv, valueFlags) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return argv.slice(i + 1);
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && valueFlags.has(arg)) i++;
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags: the first that takes a value takes the rest, or the next word.
      for (let j = 1; j < arg.length; j++) {
        if (valueFlags.has(`-${arg[j]}`)) {
          if (j === arg.length - 1) i++;
          break;
        }
      }
    } else {
      return argv.slice(i);
    }
  }
  return [];
}

function launch(name) {
  const picked = pick(name);
  const { bundled } = picked;
  let { file, st } = picked;
  const argv = process.argv.slice(2);
  if (name === 'berth' && bundled && !rootHelp(argv)) {
    file = cliBundle(file, argv);
    if (file !== picked.file) st = statSync(file);
  }
  const dir = cacheDir();
  // The CLI's bundle runs with a V8 code cache made at the exit of a run (bin/cli-code-cache.js:
  // the functions a command runs are compiled already); the tsc build, ES modules, with Node's
  // compile cache. In the user's own directory: Node's default, one directory in /tmp for all
  // users, is owned by whoever ran first. (berthd has a launcher of its own: bin/berthd.)
  if (bundled && dir && process.env.BERTH_CODE_CACHE !== '0') {
    // Not for the root help (`berth`, `--help`, `-h`): it is precomputed and runs little code,
    // so reading the whole cache costs more (~8 ms here) than the compiling it saves.
    if (name === 'berth' && !rootHelp(argv)) return runCliWithCodeCache(file, st, join(dir, 'code-cache'), argv);
  }
  require('node:module').enableCompileCache?.(dir && join(dir, 'compile-cache'));
  return bundled ? require(file) : import(file);
}

// The CLI's code cache (bin/cli-code-cache.js gives it to the scripts and tests that ask for it
// there): in this file, as one more module to resolve, read and compile at every start cost
// ~2.5 M instructions (callgrind, berth version: 106 -> 103 M).
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
  const Module = require('node:module');
  const { Script } = require('node:vm');
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

module.exports = { programFile, launch, cliBundle, runCliWithCodeCache, BUNDLE_HEAD, BUNDLE_TAIL };
