// Which build of an executable bin/berth and bin/berthd run: the release bundle
// (dist/release/<name>.js, `make build`) unless dist/bin/<name>.js is newer — the tsc build a
// developer just made, so a stale bundle is never what runs. An installed tree has only the
// bundle. The test harness asks the same question (src/testing/berthd-harness.ts).
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

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

function launch(name) {
  const { file, bundled, st } = pick(name);
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
    if (name === 'berth' && !rootHelp(process.argv.slice(2))) return require('./cli-code-cache.js').runCliWithCodeCache(file, st, join(dir, 'code-cache'), process.argv.slice(2));
  }
  require('node:module').enableCompileCache?.(dir && join(dir, 'compile-cache'));
  return bundled ? require(file) : import(file);
}

module.exports = { programFile, launch };
