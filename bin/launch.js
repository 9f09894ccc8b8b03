// Which build of an executable bin/berth and bin/berthd run: the release bundle
// (dist/release/<name>.js, `make build`) unless dist/bin/<name>.js is newer — the tsc build a
// developer just made, so a stale bundle is never what runs. An installed tree has only the
// bundle. The test harness asks the same question (src/testing/berthd-harness.ts).
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The build to run for `name` (berth, berthd, berth-dns): its file, and whether it is the bundle. */
function pick(name) {
  const root = join(__dirname, '..');
  const bundle = join(root, 'dist', 'release', `${name}.js`);
  const compiled = join(root, 'dist', 'bin', `${name}.js`);
  const b = mtime(bundle);
  const c = mtime(compiled);
  return b !== undefined && (c === undefined || b >= c) ? { file: bundle, bundled: true } : { file: compiled, bundled: false };
}

/** The file to run for `name`. */
function programFile(name) {
  return pick(name).file;
}

/**
 * V8's compile cache (every start after the first skips parsing and compiling) in the user's own
 * cache directory: Node's default, one directory in /tmp for all users, is owned by whoever ran
 * first, and then no other user of `berth` gets a cache.
 */
function enableCompileCache() {
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && join(process.env.HOME, '.cache'));
  require('node:module').enableCompileCache?.(home ? join(home, 'berth', 'compile-cache') : undefined);
}

function launch(name) {
  enableCompileCache();
  const { file, bundled } = pick(name);
  // The bundle is CommonJS (dist/release/package.json); the tsc build is ES modules.
  return bundled ? require(file) : import(file);
}

module.exports = { programFile, launch };
