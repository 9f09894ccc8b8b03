// The timed container workloads of the container bench, each driven by the real docker CLI
// against both daemons. Every workload removes the containers it made before it returns.
import { DockerError, docker, errorLine, dockerAsync, inPool, removeAllContainers, timeDocker, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, perEngine, sampleInterleaved, type EngineName } from './sampling.ts';
import { median, p90 } from './stats.ts';

const RUN = ['run', '--rm', '--network', 'none', 'busybox', 'true'];

export function runRm(clis: Cli[], n: number): Measure[] {
  const results = sampleInterleaved(clis, n, 3, (cli) => timeDocker(cli, RUN));
  return [
    measureOf('run_rm_median', 'run --rm --network none busybox true, median', 'ms', figures(results, median), { max: 1 / 4, text: '1/4' }),
    measureOf('run_rm_p90', 'run --rm --network none busybox true, p90', 'ms', figures(results, p90)),
  ];
}

export function create(clis: Cli[], n: number): Measure {
  const results = sampleInterleaved(clis, n, 2, (cli) => timeDocker(cli, ['create', '--network', 'none', 'busybox', 'true']));
  for (const cli of clis) removeAllContainers(cli);
  return measureOf('create_median', 'create --network none busybox true, median', 'ms', figures(results), { max: 1, text: '1×' });
}

/** `docker exec <c> true` against a running `sleep`; an engine without the exec API gets "not implemented". */
export function exec(clis: Cli[], n: number): Measure {
  const ready: Cli[] = [];
  const failed = new Map<EngineName, Error>();
  const ids = new Map<EngineName, string>();
  for (const cli of clis) {
    try {
      const id = docker(cli, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '1000']).trim();
      ids.set(cli.engine.name, id);
      docker(cli, ['exec', id, 'true']);
      ready.push(cli);
    } catch (err) {
      const missing = err instanceof DockerError && /page not found|not implemented/i.test(err.stderr);
      failed.set(cli.engine.name, missing ? new Error('not implemented') : (err as Error));
    }
  }
  const results = sampleInterleaved(ready, n, 2, (cli) => timeDocker(cli, ['exec', ids.get(cli.engine.name)!, 'true']));
  for (const [name, err] of failed) results.set(name, err);
  for (const cli of clis) removeAllContainers(cli);
  // DESIGN.md: ≤ 1× with runc, whose own exec is most of it (~40 ms).
  return measureOf('exec_median', 'exec <running sleep> true, median', 'ms', figures(results), { max: 1, text: '1×' });
}

/** `width` runs started at once; the wall time from the first start to the last exit (median of `rounds`). */
export async function parallelRuns(clis: Cli[], rounds: number, width: number): Promise<Measure> {
  const walls = new Map<EngineName, number[]>(clis.map((c) => [c.engine.name, []]));
  const failures = new Map<EngineName, string[]>(clis.map((c) => [c.engine.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const cli of clis) {
      const t0 = performance.now();
      const done = await Promise.all(Array.from({ length: width }, () => dockerAsync(cli, RUN)));
      walls.get(cli.engine.name)!.push(performance.now() - t0);
      for (const r of done) if (r.code !== 0) failures.get(cli.engine.name)!.push(errorLine(r.stderr) || `exit ${r.code}`);
      removeAllContainers(cli);
    }
  }
  const per = figures(walls);
  for (const [name, f] of per) {
    const failed = failures.get(name)!;
    if (failed.length > 0) f.note = `${failed.length} of ${rounds * width} runs failed: ${failed[0]}`;
  }
  return measureOf('parallel_20_run_rm_wall', `${width} × run --rm at once, wall (median of ${rounds})`, 'ms', per, { max: 1 / 2, text: '1/2' });
}

/** `docker ps -a` with `count` created (not started) containers and nothing else. */
export async function psAll(clis: Cli[], n: number, count: number): Promise<Measure> {
  const ready: Cli[] = [];
  const setup = await perEngine(clis, async (cli) => {
    removeAllContainers(cli);
    await inPool(Array.from({ length: count }), 4, async () => {
      const r = await dockerAsync(cli, ['create', '--network', 'none', 'busybox', 'true']);
      if (r.code !== 0) throw new Error(`create failed: ${r.stderr.trim()}`);
    });
    const listed = docker(cli, ['ps', '-aq']).split('\n').filter(Boolean).length;
    if (listed !== count) throw new Error(`ps -aq lists ${listed} containers, not ${count}`);
    ready.push(cli);
    return {};
  });
  const results = sampleInterleaved(ready, n, 2, (cli) => timeDocker(cli, ['ps', '-a']));
  for (const [name, f] of setup) if (f.error) results.set(name, new Error(f.error));
  for (const cli of clis) removeAllContainers(cli);
  return measureOf('ps_a_200_median', `ps -a with ${count} created containers, median`, 'ms', figures(results), { max: 1, text: '1×' });
}
