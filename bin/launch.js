// Which build of an executable bin/berth and bin/berthd run: the release bundle
// (dist/release/<name>.js, `make build`) unless dist/bin/<name>.js is newer — the tsc build a
// developer just made, so a stale bundle is never what runs. An installed tree has only the
// bundle. The test harness asks the same question (src/testing/berthd-harness.ts).
'use strict';
const { readFileSync, statSync } = require('node:fs');
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
  const root = join(__dirname, '..');
  const bundle = join(root, 'dist', 'release', `${name}.js`);
  const compiled = join(root, 'dist', 'bin', `${name}.js`);
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
    index = JSON.parse(readFileSync(join(dirname(file), 'berth-cmd', 'index.json'), 'latin1'));
  } catch {
    return file; // a build or an install without them
  }
  const operands = operandsAfterGlobalFlags(argv, new Set(index.valueFlags));
  const word = operands[0] === 'help' ? operands[1] : operands[0];
  return word !== undefined && Object.hasOwn(index.words, word) ? join(dirname(file), 'berth-cmd', index.words[word]) : file;
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
  // berthd's bundle runs with a V8 code cache made a while after a first start (bin/code-cache.js:
  // ~35 ms sooner ready here); the CLI's with one made at the exit of a run (bin/cli-code-cache.js:
  // the functions a command runs are compiled already); the tsc build, ES modules, with Node's
  // compile cache. In the user's own directory: Node's default, one directory in /tmp for all
  // users, is owned by whoever ran first.
  if (bundled && dir && process.env.BERTH_CODE_CACHE !== '0') {
    if (name === 'berthd') return require('./code-cache.js').runWithCodeCache(file, join(dir, 'code-cache'), name);
    // Not for the root help (`berth`, `--help`, `-h`): it is precomputed and runs little code,
    // so reading the whole cache costs more (~8 ms here) than the compiling it saves.
    if (name === 'berth' && !rootHelp(argv)) return require('./cli-code-cache.js').runCliWithCodeCache(file, st, join(dir, 'code-cache'), argv);
  }
  require('node:module').enableCompileCache?.(dir && join(dir, 'compile-cache'));
  return bundled ? require(file) : import(file);
}

module.exports = { programFile, launch, cliBundle };
