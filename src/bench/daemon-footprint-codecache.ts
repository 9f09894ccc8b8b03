// An experiment for the launcher (bin/launch.js): load berthd's CommonJS bundle through
// vm.Script with a V8 code cache made once the daemon is up. Node's compile cache
// (module.enableCompileCache) serializes a script right after compiling it, so it holds only
// what V8 compiles eagerly: every function that main() runs is still compiled lazily at every
// start. A cache made after start holds those too (here 750 KB against 430 KB).
//
// Bundled as CommonJS as the launcher is (as an ES module it would pay the ES loader):
//   npx esbuild src/bench/daemon-footprint-codecache.ts --bundle --platform=node --format=cjs
//     --outfile=/tmp/codecache.cjs
//   BERTH_BUNDLE=dist/release/berthd.js BERTH_CODE_CACHE=<dir> BERTH_MAKE_CACHE=1 node /tmp/codecache.cjs
//     <berthd flags>   (once, to make the cache; then without BERTH_MAKE_CACHE), or as a variant:
//   --berthd vm=/tmp/codecache.cjs,BERTH_BUNDLE=<bundle>,BERTH_CODE_CACHE=<dir>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { Server } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';

const file = resolve(process.env.BERTH_BUNDLE ?? 'dist/release/berthd.js');
const dir = process.env.BERTH_CODE_CACHE ?? join(dirname(file), '.code-cache');
const cacheFile = join(dir, `${basename(file)}.v8cache`);
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  /* the first run makes it when asked */
}
const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, ...(cachedData && { cachedData }) });
if (process.env.BERTH_MAKE_CACHE) {
  // After the first listener is up (and the first requests ran), the functions start-up used are compiled.
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    this.once('listening', () => setTimeout(() => (mkdirSync(dir, { recursive: true }), writeFileSync(cacheFile, script.createCachedData())), 300));
    return (listen as (...a: unknown[]) => Server).apply(this, args);
  } as typeof listen;
}
process.argv[1] = file;
const mod = new Module(file) as Module & { paths: string[] };
mod.filename = file;
(script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
