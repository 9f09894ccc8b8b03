// The CLI's release bundles (scripts/bundle.mjs builds them): dist/release/berth.js with every
// command, and one bundle per top-level command in dist/release/berth-cmd/ holding only the
// modules that register it (cli/index/registrars.ts), with berth-cmd/index.json telling
// bin/launch.js which to run for a command word. Inside the whole bundle the other commands'
// modules are never evaluated, but each start still reads their text (0.42 MB, latin1 into V8's
// young generation), creates a closure for every function esbuild hoisted to the bundle's top
// level and deserializes their SharedFunctionInfos from the code cache: `berth version` from a
// bundle of the system commands alone (0.15 MB) starts ~5 ms sooner here. A bundle asked for a
// command it lacks (the launcher read argv differently from main) hands the run to the whole
// bundle, so the choice is an optimisation and never changes what runs.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { COMMAND_INDEX } from '../dist/cli/index/command-index.generated.js';
import { REGISTRAR_NAMES } from '../dist/cli/index/registrars.js';
import { rootProgram } from '../dist/cli/root-program.js';

const { BUNDLE_HEAD, BUNDLE_TAIL } = createRequire(import.meta.url)('../bin/cli-code-cache.js');
const DIR = 'berth-cmd';
/** Registrars whose commands need every module (completion walks the whole program). */
const WHOLE = new Set(['completion']);

/** `common`: scripts/bundle.mjs's esbuild options; `banner`: its first statement. */
export async function buildCliBundles(common, banner) {
  // Wrapped as bin/cli-code-cache.js compiles it: a script whose text needs no copy before V8
  // compiles it. The banner's statement stays first, as before the wrapper: the bundle's "use
  // strict" is no directive there, and the CLI runs in the mode it always ran in.
  const wrapped = { ...common, banner: { js: BUNDLE_HEAD + banner }, footer: { js: BUNDLE_TAIL } };
  const out = `${common.outdir}/${DIR}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const sets = new Map();
  for (const entry of COMMAND_INDEX) {
    if (entry.registrars.some((r) => WHOLE.has(r))) continue;
    const name = entry.registrars.join('+');
    sets.set(name, entry.registrars);
  }
  await Promise.all([
    build({ ...wrapped, entryPoints: { berth: 'src/bin/berth.ts' } }),
    ...[...sets].map(([name, registrars]) =>
      build({ ...wrapped, outdir: out, entryPoints: { [name]: 'src/bin/berth.ts' }, plugins: [...common.plugins, onlyRegistrars(new Set(registrars))] }),
    ),
  ]);
  writeFileSync(`${out}/index.json`, `${JSON.stringify(bundleIndex(sets))}\n`);
  return [...sets.keys()].map((name) => `${DIR}/${name}`);
}

/** What bin/launch.js needs to find the command word: the global flags that take a value, and each word's bundle. */
function bundleIndex(sets) {
  const valueFlags = rootProgram()
    .options.filter((o) => o.required || o.optional)
    .flatMap((o) => [o.long, o.short].filter(Boolean));
  const words = {};
  for (const entry of COMMAND_INDEX) {
    const name = entry.registrars.join('+');
    if (sets.has(name)) for (const word of [entry.name, ...entry.aliases]) words[word] = `${name}.js`;
  }
  return { valueFlags, words };
}

/** registrars.ts with the registrars not in `keep` loading the whole bundle instead of their module. */
function onlyRegistrars(keep) {
  return {
    name: 'only-registrars',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]index[\\/]registrars\.ts$/ }, (args) => ({ contents: keepRegistrars(readFileSync(args.path, 'utf8'), keep), loader: 'ts' }));
    },
  };
}

const OPEN = 'export const REGISTRARS = {\n';
const CLOSE = '\n} satisfies';

function keepRegistrars(source, keep) {
  const start = source.indexOf(OPEN) + OPEN.length;
  const end = source.indexOf(CLOSE, start);
  // One entry per registrar, each starting at two spaces' indentation (an entry may span lines).
  const entries = source.slice(start, end).split(/\n(?= {2}\w+: )/);
  const names = entries.map((e) => /^ {2}(\w+): /.exec(e)?.[1]);
  if (start < OPEN.length || end < 0 || names.join() !== REGISTRAR_NAMES.join()) {
    throw new Error(`bundle-cli: cannot read the registrars of registrars.ts (read ${names.join()}, expected ${REGISTRAR_NAMES.join()})`);
  }
  const kept = entries.map((e, i) => (keep.has(names[i]) ? e : `  ${names[i]}: wholeBundle,`));
  return `${source.slice(0, start)}${kept.join('\n')}${source.slice(end)}\n${WHOLE_BUNDLE}`;
}

// A run that needs a module this bundle lacks: the whole bundle (its wrapper runs it as a
// CommonJS file) runs the CLI from the start, and this bundle's main waits forever — the process
// ends when the whole bundle's run does, with its exit status. Nothing was written yet: the
// registrars are loaded before any command is parsed.
const WHOLE_BUNDLE = `
function wholeBundle(): Promise<Registrar> {
  require('node:module').createRequire(__filename)('../berth.js');
  return new Promise<Registrar>(() => undefined);
}
`;
