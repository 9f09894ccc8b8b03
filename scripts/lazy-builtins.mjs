// An esbuild plugin: builtins no start needs, loaded at their first use rather than when a module
// importing them is evaluated. commander imports child_process (and with it dgram, net and the
// streams) for the executable subcommands berth never has, the context store crypto (~10 ms) for
// a hash only a named context needs, the client readline for streams of JSON lines. Each import of
// one gets an object with a getter per export (listed here from the Node that bundles) that loads
// the real module through process.getBuiltinModule on first access; esbuild's CommonJS interop
// copies getters without calling them, so a default import stays lazy too. Used by the release
// build (scripts/bundle.mjs) and by the startup bench's CLI floor (scripts/cli-floor.mjs).
import { createRequire } from 'node:module';

const LAZY_BUILTINS = ['child_process', 'crypto', 'readline', 'readline/promises', 'os', 'dgram', 'tls', 'https', 'zlib', 'dns', 'worker_threads', 'v8', 'vm'];

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
