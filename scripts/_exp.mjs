import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const LAZY_BUILTINS = ['child_process', 'crypto', 'readline', 'readline/promises', 'os', 'dgram', 'tls', 'https', 'zlib', 'dns', 'worker_threads', 'v8', 'vm'];
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


const keep = process.argv[2].split(',');
const plugin = { name: 'subset', setup(b) {
  b.onLoad({ filter: /cli\/index\/registrars\.ts$/ }, (args) => {
    let src = readFileSync(args.path, 'utf8');
    // drop registrar lines not kept: crude — replace import() of others by a throwing stub
    src = src.replace(/^  (\w+): (shortcut\()?async \(\) => [\s\S]*?\n(?=  \w+: |\} satisfies)/gm, (m, name) => keep.includes(name) ? m : `  ${name}: async () => { throw new Error('not in this bundle'); },\n`);
    return { contents: src, loader: 'ts' };
  });
}};
const r = await build({ entryPoints: { berth: 'src/bin/berth.ts' }, outdir: '/tmp/expbundle', bundle: true, platform: 'node', format: 'cjs', target: 'node24', minify: true, keepNames: true, logLevel: 'warning', plugins: [plugin, lazyBuiltins], define: { BERTH_RELEASE: '{"version":"x","commit":"y","time":"z"}', 'import.meta.url': '__berthBundleUrl' }, banner: { js: 'var __berthBundleUrl = require("node:url").pathToFileURL(__filename).href;' }, metafile: true });
console.log(Object.values(r.metafile.outputs).map(o => o.bytes));
