// What the side-by-side benches (containers, build) share around their own steps: the CLIs of
// the engines with the busybox image imported, the run's context (date, cores, load, versions),
// the steps run in order (Ctrl-C lets the current one finish and skips the rest), and the table
// and JSON of the results.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { busyboxRootfs } from '../testing/busybox.ts';
import type { Engine } from './daemons.ts';
import { cliFor, docker, type Cli } from './docker-cli.ts';
import { formatTable, resultsJson, tableRows, type Measure } from './report.ts';

export type BenchStep = [name: string, run: () => Measure[] | Measure | Promise<Measure[] | Measure>];

let interrupted = false;
process.on('SIGINT', stop).on('SIGTERM', stop);
function stop(): void {
  interrupted = true;
  console.error('interrupted: cleaning up after the current step');
}

/** The results file: BENCH_RESULTS, or bench-results/<kind>-<date>.json. */
export function resultsPath(kind: string): string {
  return process.env.BENCH_RESULTS || join('bench-results', `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
}

/** A docker CLI per engine (one config directory), each engine given the busybox image. */
export async function benchClis(dir: string, engines: Engine[], env: Record<string, string> = {}): Promise<Cli[]> {
  const configDir = join(dir, 'docker-config');
  mkdirSync(configDir);
  const clis = engines.map((e) => cliFor(e, configDir)).map((c) => ({ ...c, env: { ...c.env, ...env } }));
  const tar = join(dir, 'busybox.tar');
  await pipeline(busyboxRootfs(), createWriteStream(tar));
  for (const cli of clis) docker(cli, ['import', '-c', 'CMD ["sh"]', tar, 'busybox']);
  return clis;
}

/** Runs the steps whose name contains `only` (all without it); a failed step is reported and
 * the others go on. Then the table, with `title` above it, and the JSON at `results`. */
export async function runBench(o: { clis: Cli[]; n: number; steps: BenchStep[]; only: string | undefined; title: string; results: string }): Promise<void> {
  const context = {
    date: new Date().toISOString(),
    cores: cpus().length,
    loadavgBefore: loadavg(),
    n: o.n,
    client: docker(o.clis[0]!, ['version', '--format', '{{.Client.Version}}']).trim(),
    servers: Object.fromEntries(o.clis.map((c) => [c.engine.name, docker(c, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim()])),
  };
  const measures: Measure[] = [];
  for (const [name, step] of o.steps) {
    if (interrupted) break;
    if (o.only && !name.includes(o.only)) continue;
    console.error(`==> ${name}`);
    try {
      measures.push(...[await step()].flat());
    } catch (err) {
      console.error(`    ${name} failed: ${(err as Error).message}`);
    }
  }
  const dockerd = context.servers.dockerd ?? '(absent)';
  console.log(`\n${o.title.replace('{dockerd}', dockerd)}, docker CLI ${context.client}, ${context.cores} cores, load ${context.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(formatTable(tableRows(measures)));
  mkdirSync(dirname(o.results), { recursive: true });
  writeFileSync(o.results, resultsJson(measures, { ...context, loadavgAfter: loadavg() }));
  console.log(`\nresults: ${o.results}`);
}
