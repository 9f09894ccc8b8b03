// The release build: each executable (berth, berthd, berth-dns, berthd-rootless-setup) bundled by esbuild into one
// CommonJS file in dist/release/, with the version and commit compiled in (berth also as one
// bundle per top-level command: scripts/bundle-cli.mjs; berthd in two files, what it evaluates at
// start and what it loads at a first request: scripts/bundle-berthd.mjs). CommonJS, not ESM:
// an ES module that imports node:http goes through the ESM facade of the builtin, which reads
// every export and so loads undici (~35 ms of every `berth` start here); require() does not.
// A dynamic import() stays lazy inside the bundle (esbuild wraps the module and evaluates it when
// the import runs), which is how berth loads only the command it runs. The plugins and the
// options all bundles share: scripts/bundle-plugins.mjs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildBerthd } from './bundle-berthd.mjs';
import { buildCliBundles } from './bundle-cli.mjs';
import { BUNDLE_URL, commonOptions } from './bundle-plugins.mjs';

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
await buildBerthd(common, BUNDLE_URL);
// berth.js and one bundle per top-level command (scripts/bundle-cli.mjs).
const cliBundles = await buildCliBundles(common, BUNDLE_URL);

// V8 holds a source that has one character above U+00FF as two bytes per character: the whole
// bundle would double in every process's memory for one stray dash in a string. berthd.js must be
// pure ASCII: bin/berthd reads it as Latin-1 (UTF-8 decoding of 480 KB with one non-ASCII
// character in it took 4 ms of every start, Latin-1 1.4: issue 12).
for (const name of ['berth', 'berthd', 'berthd-lazy', 'berth-dns', 'berthd-rootless-setup', ...cliBundles]) {
  const text = readFileSync(`${OUT}/${name}.js`, 'utf8');
  const [refused, what] = name === 'berthd' ? [/[^\u0000-\u007f]/u, 'a non-ASCII character'] : [/[^\u0000-\u00ff]/u, 'a character above U+00FF'];
  const at = text.search(refused);
  if (at >= 0) {
    const line = text.slice(0, at).split('\n').length;
    console.error(`bundle: ${OUT}/${name}.js has ${what} at line ${line} (${JSON.stringify(text.slice(at - 20, at + 20))}): escape it in the source`);
    process.exit(1);
  }
}
