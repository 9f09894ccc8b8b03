// The startup bench's CLI floor: what any berth command pays before its own work — Node, commander
// with berth's root program (docker's global flags), one command, and HEAD /_ping + GET /version
// over node:net — bundled as the release build bundles berth (scripts/bundle-plugins.mjs, wrapped
// as bin/cli-code-cache.js compiles it) and started the way bin/berth starts: a copy of bin/ beside
// a dist/release/berth.js that is the floor, so the same launcher and code cache run it.
// `node scripts/cli-floor.mjs OUTDIR` makes OUTDIR/bin/berth.
import { build } from 'esbuild';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BUNDLE_URL, commonOptions } from './bundle-plugins.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/cli-floor.mjs OUTDIR');
  process.exit(2);
}
const { BUNDLE_HEAD, BUNDLE_TAIL } = createRequire(import.meta.url)('../bin/cli-code-cache.js');
mkdirSync(`${out}/dist/release`, { recursive: true });
for (const f of ['berth', 'launch.js', 'cli-code-cache.js', 'package.json']) cpSync(`bin/${f}`, `${out}/bin/${f}`);
writeFileSync(`${out}/dist/release/package.json`, '{ "type": "commonjs" }\n');
await build({
  ...commonOptions(`${out}/dist/release`, { version: 'floor', commit: 'floor', time: new Date().toISOString() }),
  entryPoints: { berth: 'src/bench/cli-floor-entry.ts' },
  banner: { js: BUNDLE_HEAD + BUNDLE_URL },
  footer: { js: BUNDLE_TAIL },
});
