// How the container bench takes its samples: the engines take turns sample by sample, so a
// burst of load from someone else on this shared machine falls on both rather than on one.
import type { Cli } from './docker-cli.ts';
import type { Figure, Measure } from './report.ts';
import { median } from './stats.ts';

export type EngineName = Cli['engine']['name'];
export type PerEngine = Map<EngineName, Figure>;

/** `warmup` untimed then `n` timed calls of `once` per engine, interleaved; an engine that fails stops there. */
export function sampleInterleaved(clis: readonly Cli[], n: number, warmup: number, once: (cli: Cli) => number): Map<EngineName, number[] | Error> {
  const results = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  for (let i = 0; i < warmup + n; i++) {
    for (const cli of clis) {
      const got = results.get(cli.engine.name);
      if (got instanceof Error) continue;
      try {
        const value = once(cli);
        if (i >= warmup) got!.push(value);
      } catch (err) {
        results.set(cli.engine.name, err as Error);
      }
    }
  }
  return results;
}

export function figureOf(samples: number[] | Error | undefined, summary: (xs: number[]) => number = median): Figure {
  if (samples === undefined) return { error: 'not measured' };
  if (samples instanceof Error) return { error: samples.message };
  return { value: summary(samples), samples: samples.map((x) => Math.round(x * 10) / 10) };
}

export function figures(results: Map<EngineName, number[] | Error>, summary?: (xs: number[]) => number): PerEngine {
  return new Map([...results].map(([name, s]) => [name, figureOf(s, summary)]));
}

export function measureOf(key: string, label: string, unit: Measure['unit'], per: PerEngine, target?: Measure['target']): Measure {
  const dockerd = per.get('dockerd');
  return { key, label, unit, berthd: per.get('berthd') ?? { error: 'not measured' }, ...(dockerd && { dockerd }), ...(target && { target }) };
}

/** Runs `fn` for each engine in turn; an error becomes that engine's figure instead of ending the bench. */
export async function perEngine(clis: readonly Cli[], fn: (cli: Cli) => Promise<Figure> | Figure): Promise<PerEngine> {
  const out: PerEngine = new Map();
  for (const cli of clis) {
    try {
      out.set(cli.engine.name, await fn(cli));
    } catch (err) {
      out.set(cli.engine.name, { error: (err as Error).message });
    }
  }
  return out;
}
