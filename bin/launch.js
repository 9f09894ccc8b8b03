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

/** The file to run for `name` (berth, berthd, berth-dns). */
function programFile(name) {
  const root = join(__dirname, '..');
  const bundle = join(root, 'dist', 'release', `${name}.js`);
  const compiled = join(root, 'dist', 'bin', `${name}.js`);
  const b = mtime(bundle);
  const c = mtime(compiled);
  return b !== undefined && (c === undefined || b >= c) ? bundle : compiled;
}

function launch(name) {
  const file = programFile(name);
  // The bundle is CommonJS (dist/release/package.json); the tsc build is ES modules.
  return file.includes(`${join('dist', 'release')}`) ? require(file) : import(file);
}

module.exports = { programFile, launch };
