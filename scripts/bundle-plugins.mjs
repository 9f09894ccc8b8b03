// The esbuild plugins and options every release bundle shares (scripts/bundle.mjs, and the startup
// bench's CLI floor, scripts/cli-floor.mjs, which is built as berth is).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Builtins no start needs, loaded at their first use rather than when a module importing them
// is evaluated: commander imports child_process (and with it dgram, net and the streams) for the
// executable subcommands berth never has, the context store crypto (~10 ms) for a hash only a
// named context needs, the client readline for streams of JSON lines. Each import of one gets
// an object with a getter per export (listed here from the Node that bundles) that loads the real module
// through process.getBuiltinModule on first access; esbuild's CommonJS interop copies getters
// without calling them, so a default import stays lazy too.
export const LAZY_BUILTINS = ['child_process', 'crypto', 'readline', 'readline/promises', 'os', 'dgram', 'tls', 'https', 'zlib', 'dns', 'worker_threads', 'v8', 'vm', 'fs/promises', 'timers/promises'];
export const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const names = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter: names }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: lazyModule(args.path), loader: 'js' }));
  },
};

function lazyModule(name) {
  // Every own name, enumerable or not (zlib's Z_* constants are not), as the module has it.
  const descriptors = Object.getOwnPropertyDescriptors(createRequire(import.meta.url)(`node:${name}`));
  const getters = Object.entries(descriptors).map(([k, d]) => `${JSON.stringify(k)}: { enumerable: ${d.enumerable}, get: () => load()[${JSON.stringify(k)}] }`);
  return `let m; const load = () => (m ??= process.getBuiltinModule(${JSON.stringify(`node:${name}`)}));
module.exports = Object.defineProperties({}, { ${getters.join(', ')} });`;
}

// commander's `import fs from 'node:fs'` (and path, process, child_process): esbuild gives a default
// import of a CommonJS module a copy of its exports, a getter per export (~200 for fs and process)
// made at every start — the plugin turns them into require() calls, which esbuild keeps as they are.
// And Option's test for a variadic option, /\p{ID_Continue}\.\.\.[>\]]$/u: V8 builds ICU's
// ID_Continue set (~3M instructions, ~1 ms) to compile it at the first option of every start;
// asked only of flags ending in `...>` or `...]`, it gives the same answers.
const DEFAULT_IMPORT = /^import (\w+) from '(node:[\w/]+)';$/gm;
const VARIADIC = '/\\p{ID_Continue}\\.\\.\\.[>\\]]$/u.test(flags)';
export const requireBuiltins = {
  name: 'require-builtins',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/].*\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8').replace(DEFAULT_IMPORT, "const $1 = require('$2');");
      if (args.path.endsWith('option.js')) {
        if (!contents.includes(VARIADIC)) console.warn(`bundle: commander's option.js no longer has ${VARIADIC}: its start-up shortcut is not applied`);
        contents = contents.replace(VARIADIC, `/\\.\\.\\.[>\\]]$/.test(flags) && ${VARIADIC}`);
      }
      return { contents, loader: 'js' };
    });
  },
};

// import.meta.url, computed only if asked for: the bundle's own path as a file: URL, escaped as
// node's pathToFileURL escapes it for fileURLToPath to give it back (__filename is absolute and
// normal). Not pathToFileURL itself: its path.resolve walks the path a character at a time, and
// berthd's start must keep node's path functions under V8's Maglev count (src/lib/posix-path.ts).
export const BUNDLE_URL = 'var __berthBundleUrl = { get href() { return "file://" + encodeURI(__filename).replace(/[?#]/g, encodeURIComponent); } };';

/** The options of every bundle; `release`: the version and commit compiled in. */
export function commonOptions(outdir, release) {
  return {
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    sourcemap: 'linked',
    // Half the bytes to read and parse at every start; names kept for errors and stack traces.
    minify: true,
    keepNames: true,
    logLevel: 'warning',
    plugins: [requireBuiltins, lazyBuiltins],
    define: { BERTH_RELEASE: JSON.stringify(release), 'import.meta.url': '__berthBundleUrl.href' },
  };
}
