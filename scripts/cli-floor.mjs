// The startup bench's CLI floor: what any berth command pays before its own work — Node, commander
// with berth's root program (docker's global flags), one command, and a /_ping over node:net —
// bundled as the release build bundles berth (CommonJS, minified, lazy builtins).
// `node scripts/cli-floor.mjs OUTDIR` writes OUTDIR/cli-floor.js.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { lazyBuiltins } from './lazy-builtins.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/cli-floor.mjs OUTDIR');
  process.exit(2);
}
writeFileSync(`${out}/package.json`, '{ "type": "commonjs" }\n');
await build({
  entryPoints: { 'cli-floor': 'src/bench/cli-floor-entry.ts' },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  plugins: [lazyBuiltins],
  define: { BERTH_RELEASE: JSON.stringify({ version: 'floor', commit: 'floor', time: new Date().toISOString() }), 'import.meta.url': '__berthBundleUrl' },
  banner: { js: 'var __berthBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
