// The release build: each executable (berth, berthd, berth-dns, berthd-rootless-setup) bundled by esbuild into one
// CommonJS file in dist/release/, with the version and commit compiled in. CommonJS, not ESM:
// an ES module that imports node:http goes through the ESM facade of the builtin, which reads
// every export and so loads undici (~35 ms of every `berth` start here); require() does not.
// A dynamic import() stays lazy inside the bundle (esbuild wraps the module and evaluates it when
// the import runs), which is how berth loads only the command it runs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const OUT = 'dist/release';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  /* not a git checkout */
}
const release = { version: pkg.version, commit, time: new Date().toISOString() };

// Builtins no start needs, loaded at their first use rather than when a module importing them
// is evaluated: commander imports child_process (and with it dgram, net and the streams) for the
// executable subcommands berth never has, the context store crypto (~10 ms) for a hash only a
// named context needs, the client readline for streams of JSON lines. Each import of one gets
// an object with a getter per export (listed here from the Node that bundles) that loads the real module
// through process.getBuiltinModule on first access; esbuild's CommonJS interop copies getters
// without calling them, so a default import stays lazy too.
const LAZY_BUILTINS = ['child_process', 'crypto', 'readline', 'readline/promises', 'os', 'dgram', 'tls', 'https', 'zlib', 'dns', 'worker_threads', 'v8', 'vm', 'fs/promises', 'timers/promises'];
const lazyBuiltins = {
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

mkdirSync(OUT, { recursive: true });
// The .js files here are CommonJS whatever the package's "type" says.
writeFileSync(`${OUT}/package.json`, '{ "type": "commonjs" }\n');
const options = {
  outdir: OUT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  sourcemap: 'linked',
  // Half the bytes to read and parse at every start; names kept for errors and stack traces.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  plugins: [lazyBuiltins],
  define: { BERTH_RELEASE: JSON.stringify(release), 'import.meta.url': '__berthBundleUrl' },
  banner: { js: 'var __berthBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
};
await build({ ...options, entryPoints: { berth: 'src/bin/berth.ts', 'berth-dns': 'src/bin/berth-dns.ts', 'berthd-rootless-setup': 'src/bin/berthd-rootless-setup.ts' } });
await build({ ...options, ...berthdOptions(options), entryPoints: { berthd: 'src/bin/berthd.ts' } });

/** berthd's own (daemon12d, issue 12; callgrind of a start to listening, page faults by perf):
 * - no keepNames: its ~1700 `__name(fn, "name")` calls at load made each function a dictionary-
 *   mode object and were hot enough for Maglev (-7 M instructions, -230 page faults); berthd logs
 *   error messages, not stacks, and a stack's positions need the source map anyway;
 * - each `require` of a builtin answered from a cache: esbuild emits one per importing module
 *   (~300 at start, each through Module._load and its diagnostics channels: -10 M instructions);
 * - the lazy builtins as a Proxy from that same `require`, not the plugin's modules: esbuild
 *   copies a bundled CommonJS module's exports into each module importing it (__toESM), ~60
 *   copies at start, a loop hot enough for Maglev, whose compiler's pages then stay in the idle
 *   daemon; an external's named imports are read off the require'd object at each use. */
function berthdOptions(o) {
  const hook = `require = ((r, lazy) => {
  const c = Object.create(null);
  const proxy = (id) => {
    let m;
    const l = () => (m ??= r(id));
    return new Proxy({}, { get: (_, k) => l()[k], has: (_, k) => k in l(), ownKeys: () => Reflect.ownKeys(l()), getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(l(), k); return d && { ...d, configurable: true }; } });
  };
  return (id) => (c[id] ??= lazy.includes(id) ? proxy(id) : r(id));
})(require, ${JSON.stringify(LAZY_BUILTINS.flatMap((n) => [n, `node:${n}`]))});`;
  return { keepNames: false, plugins: [], banner: { js: `${o.banner.js}\n${hook}` } };
}
