// The release build: each executable (berth, berthd, berth-dns, berthd-rootless-setup) bundled by esbuild into one
// CommonJS file in dist/release/, with the version and commit compiled in (berth also as one
// bundle per top-level command: scripts/bundle-cli.mjs). CommonJS, not ESM:
// an ES module that imports node:http goes through the ESM facade of the builtin, which reads
// every export and so loads undici (~35 ms of every `berth` start here); require() does not.
// A dynamic import() stays lazy inside the bundle (esbuild wraps the module and evaluates it when
// the import runs), which is how berth loads only the command it runs. The plugins and the
// options all bundles share: scripts/bundle-plugins.mjs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCliBundles } from './bundle-cli.mjs';
import { BUNDLE_URL, LAZY_BUILTINS, commonOptions } from './bundle-plugins.mjs';

const OUT = 'dist/release';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  /* not a git checkout */
}
const release = { version: pkg.version, commit, time: new Date().toISOString() };

mkdirSync(OUT, { recursive: true });
// The .js files here are CommonJS whatever the package's "type" says.
writeFileSync(`${OUT}/package.json`, '{ "type": "commonjs" }\n');
const common = commonOptions(OUT, release);
await build({
  ...common,
  entryPoints: { 'berth-dns': 'src/bin/berth-dns.ts', 'berthd-rootless-setup': 'src/bin/berthd-rootless-setup.ts' },
  banner: { js: BUNDLE_URL },
});
await build({ ...common, ...berthdOptions(), entryPoints: { berthd: 'src/bin/berthd.ts' } });
// berth.js and one bundle per top-level command (scripts/bundle-cli.mjs).
const cliBundles = await buildCliBundles(common, BUNDLE_URL);

// V8 holds a source that has one character above U+00FF as two bytes per character: the whole
// bundle would double in every process's memory for one stray dash in a string.
for (const name of ['berth', 'berthd', 'berth-dns', 'berthd-rootless-setup', ...cliBundles]) {
  const text = readFileSync(`${OUT}/${name}.js`, 'utf8');
  const at = text.search(/[^\u0000-\u00ff]/u);
  if (at >= 0) {
    const line = text.slice(0, at).split('\n').length;
    console.error(`bundle: ${OUT}/${name}.js has a character above U+00FF at line ${line} (${JSON.stringify(text.slice(at - 20, at + 20))}): escape it in the source`);
    process.exit(1);
  }
}

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
function berthdOptions() {
  const hook = `require = ((r, lazy) => {
  const c = Object.create(null);
  const proxy = (id) => {
    let m;
    const l = () => (m ??= r(id));
    return new Proxy({}, { get: (_, k) => l()[k], has: (_, k) => k in l(), ownKeys: () => Reflect.ownKeys(l()), getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(l(), k); return d && { ...d, configurable: true }; } });
  };
  return (id) => (c[id] ??= lazy.includes(id) ? proxy(id) : r(id));
})(require, ${JSON.stringify(LAZY_BUILTINS.flatMap((n) => [n, `node:${n}`]))});`;
  return { keepNames: false, plugins: [posixPath()], banner: { js: `${BUNDLE_URL}\n${hook}` } };
}

/** berthd's imports of node:path go to src/lib/posix-path.ts (the same functions, with join,
 * resolve and normalize not walking a normal path character by character: no Maglev at start),
 * which itself imports the real one. */
function posixPath() {
  const shim = fileURLToPath(new URL('../src/lib/posix-path.ts', import.meta.url));
  return {
    name: 'posix-path',
    setup(b) {
      b.onResolve({ filter: /^(node:)?path$/ }, (args) => (args.importer === shim ? { path: 'node:path', external: true } : { path: shim }));
    },
  };
}
