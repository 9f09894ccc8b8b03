// berthd's release bundle, in two files (issue 12). dist/release/berthd.js holds what the daemon
// evaluates at start; berthd-lazy.js what it reaches only through a dynamic import() (the
// registry client, image archives, the builder, ws, the authorization policy): an idle daemon
// never reads it, so its source (~40 % of the code) and its functions' objects are not in the
// idle heap (V8 keeps a script's whole source, and makes an object for every function declared
// at a bundle's top level, evaluated or not: esbuild hoists them out of its lazy wrappers).
// The two share module instances: a module of berthd.js that berthd-lazy.js imports (errors'
// classes, the logger, the stores) is handed over by berthd.js, not bundled twice.
//   pass 1: one bundle's metafile: the modules reachable from the entry by static imports;
//   berthd.js: each dynamic import() of another module becomes a stub that requires
//     berthd-lazy.js and asks it for that module, handing it berthd.js's shared modules;
//   berthd-lazy.js: every module but those, each evaluated at its first require.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAZY_BUILTINS } from './bundle-plugins.mjs';

const ENTRY = 'src/bin/berthd.ts';
const LAZY_FILE = './berthd-lazy.js';
const SLOT = 'berthd-shared-slot';
const MAIN_SLOT = 'berthd-main-slot';
/** The entry's file, as esbuild's onLoad sees it (an absolute path). */
const ENTRY_FILE = new RegExp(`/${ENTRY.replaceAll('.', '\\.')}$`);
const skip = { berthdSplit: true };

/** Builds dist/release/berthd.js and berthd-lazy.js; `common`: every bundle's options. */
export async function buildBerthd(common, bundleUrl) {
  const opts = berthdOptions(bundleUrl);
  const probe = await build({ ...common, ...opts, write: false, metafile: true, entryPoints: { berthd: ENTRY } });
  const { eager, shared } = splitGraph(probe.metafile);
  const lazyRoots = new Set();
  await build({
    ...common,
    ...opts,
    plugins: [mainSplit(eager, shared, lazyRoots), ...opts.plugins],
    entryPoints: { berthd: ENTRY },
  });
  await build({
    ...common,
    banner: { js: bundleUrl },
    keepNames: false,
    plugins: [lazySplit(eager, [...lazyRoots]), ...opts.plugins],
    entryPoints: { 'berthd-lazy': 'berthd-lazy-entry' },
  });
}

/** The modules evaluated at start (static imports from the entry), and those of them a lazy module imports. */
function splitGraph(meta) {
  const eager = new Set();
  const queue = [ENTRY];
  while (queue.length) {
    const m = queue.pop();
    if (eager.has(m)) continue;
    eager.add(m);
    for (const i of meta.inputs[m]?.imports ?? []) if (i.kind !== 'dynamic-import' && !i.external) queue.push(i.path);
  }
  const shared = new Set();
  for (const [m, input] of Object.entries(meta.inputs)) {
    if (eager.has(m)) continue;
    for (const i of input.imports) if (eager.has(i.path)) shared.add(i.path);
  }
  return { eager, shared };
}

const key = (path) => relative(process.cwd(), path);

/** The real resolution of an import, through the other plugins (posix-path's among them). */
async function realPath(b, args) {
  if (args.pluginData?.berthdSplit) return undefined;
  const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, namespace: args.namespace, pluginData: skip });
  return r.errors.length || r.external || r.namespace !== 'file' ? undefined : key(r.path);
}

/** berthd.js: a dynamic import of a module not evaluated at start asks berthd-lazy.js for it. */
function mainSplit(eager, shared, lazyRoots) {
  return {
    name: 'berthd-main-split',
    setup(b) {
      b.onResolve({ filter: /^\.\/berthd-lazy\.js$/ }, () => ({ path: LAZY_FILE, external: true }));
      b.onResolve({ filter: /^berthd-shared-table$/ }, () => ({ path: 'table', namespace: 'berthd-shared-table' }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const path = await realPath(b, args);
        if (path === undefined || eager.has(path)) return undefined;
        lazyRoots.add(path);
        // A stub is CommonJS whatever its module's extension says (esbuild takes an .mjs path for ESM).
        return { path: `${path}.cjs`, namespace: 'berthd-lazy', pluginData: path };
      });
      b.onLoad({ filter: /.*/, namespace: 'berthd-lazy' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(LAZY_FILE)}).load(require(${JSON.stringify(MAIN_SLOT)}).table, ${JSON.stringify(args.pluginData)});`,
        loader: 'js',
      }));
      // The table is imported by the entry, last, so that no shared module is reached through a
      // require(): esbuild wraps a module that is, and every module it imports, in a lazy
      // initialiser each importer calls (~100 modules, ~800 calls at a start, all of one closure:
      // enough for V8 to compile it with Maglev, whose pages then stay in the idle daemon).
      b.onResolve({ filter: new RegExp(`^${MAIN_SLOT}$`) }, () => ({ path: 'slot', namespace: MAIN_SLOT }));
      b.onLoad({ filter: /.*/, namespace: MAIN_SLOT }, () => ({
        contents: 'let t; exports.set = (f) => { t = f; }; exports.table = (k) => t(k);',
        loader: 'js',
      }));
      b.onLoad({ filter: ENTRY_FILE }, async (args) => ({
        contents: `${await readFile(args.path, 'utf8')}\nimport "berthd-shared-table";\n`,
        loader: 'ts',
      }));
      b.onLoad({ filter: /.*/, namespace: 'berthd-shared-table' }, () => {
        const list = [...shared].sort();
        return {
          contents: `${list.map((m, i) => `import * as s${i} from ${JSON.stringify(resolve(m))};`).join('\n')}
const t = { ${list.map((m, i) => `${JSON.stringify(m)}: s${i}`).join(', ')} };
require(${JSON.stringify(MAIN_SLOT)}).set((k) => t[k]);`,
          loader: 'js',
          resolveDir: process.cwd(),
        };
      });
    },
  };
}

/** berthd-lazy.js: its entry answers berthd.js's stubs; an import of a module berthd.js has is
 * answered with berthd.js's instance. */
function lazySplit(eager, roots) {
  return {
    name: 'berthd-lazy-split',
    setup(b) {
      b.onResolve({ filter: /^berthd-lazy-entry$/ }, () => ({ path: 'entry', namespace: 'berthd-lazy-entry' }));
      b.onResolve({ filter: new RegExp(`^${SLOT}$`) }, () => ({ path: 'slot', namespace: SLOT }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        const path = await realPath(b, args);
        return path !== undefined && eager.has(path) ? { path: `${path}.cjs`, namespace: 'berthd-shared', pluginData: path } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'berthd-lazy-entry' }, () => ({
        contents: `const slot = require(${JSON.stringify(SLOT)});
const modules = { ${roots.map((m) => `${JSON.stringify(m)}: () => require(${JSON.stringify(resolve(m))})`).join(',\n')} };
exports.load = (table, k) => { slot.set(table); return modules[k](); };`,
        loader: 'js',
        resolveDir: process.cwd(),
      }));
      // berthd.js's module as a CommonJS one flagged __esModule, so esbuild's interop reads every
      // export (a default one too: src/lib/posix-path.ts) live off berthd.js's namespace object.
      b.onLoad({ filter: /.*/, namespace: SLOT }, () => ({
        contents: `let table;
exports.set = (t) => { table ??= t; };
exports.get = (k) => {
  const ns = table(k);
  if (ns === undefined) throw new Error("berthd-lazy.js: berthd.js does not share " + k + ": a bundle of another build?");
  const o = { __esModule: true };
  for (const n of Object.keys(ns)) Object.defineProperty(o, n, { enumerable: true, get: () => ns[n] });
  return o;
};`,
        loader: 'js',
      }));
      b.onLoad({ filter: /.*/, namespace: 'berthd-shared' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(SLOT)}).get(${JSON.stringify(args.pluginData)});`,
        loader: 'js',
      }));
    },
  };
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
function berthdOptions(bundleUrl) {
  const hook = `require = ((r, lazy) => {
  const c = Object.create(null);
  const proxy = (id) => {
    let m;
    const l = () => (m ??= r(id));
    return new Proxy({}, { get: (_, k) => l()[k], has: (_, k) => k in l(), ownKeys: () => Reflect.ownKeys(l()), getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(l(), k); return d && { ...d, configurable: true }; } });
  };
  return (id) => (c[id] ??= lazy.includes(id) ? proxy(id) : r(id));
})(require, ${JSON.stringify(LAZY_BUILTINS.flatMap((n) => [n, `node:${n}`]))});`;
  return { keepNames: false, plugins: [posixPath()], banner: { js: `${bundleUrl}\n${hook}` } };
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
