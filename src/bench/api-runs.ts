// `run --rm busybox true` as the docker CLI does it (create with AutoRemove, wait for
// "removed", start), but over the Engine API from this process: no CLI start in the figure.
// On this shared 2-core machine starting the docker CLI (a Go binary) is the largest and
// noisiest part of a `docker run`, and it is the same for both networks; without it the
// bridge's cost shows with less noise around it. Same interleaving as the CLI rows.
import { request } from 'node:http';
import type { Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, type EngineName, type PerEngine } from './sampling.ts';
import { median } from './stats.ts';

function api(sock: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, method, path: `/v1.41${path}`, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function runRmOverApi(sock: string, networkMode: string): Promise<number> {
  const t0 = performance.now();
  const created = await api(sock, 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: networkMode, AutoRemove: true } });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.body.trim()}`);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  const removed = api(sock, 'POST', `/containers/${id}/wait?condition=removed`);
  const started = await api(sock, 'POST', `/containers/${id}/start`);
  if (started.status !== 204) throw new Error(`start: ${started.status} ${started.body.trim()}`);
  const waited = await removed;
  if (waited.status !== 200) throw new Error(`wait: ${waited.status} ${waited.body.trim()}`);
  return performance.now() - t0;
}

export async function apiRunRm(clis: readonly Cli[], n: number): Promise<Measure[]> {
  const kinds = [['none', 'none'], ['bridge', 'default']] as const;
  const results = new Map(kinds.map(([k]) => [k, new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]))]));
  const warmup = 2;
  for (let i = 0; i < warmup + n; i++) {
    for (const cli of clis) {
      for (const [kind, mode] of i % 2 ? [...kinds].reverse() : kinds) {
        const per = results.get(kind)!;
        const got = per.get(cli.engine.name);
        if (got instanceof Error) continue;
        try {
          const ms = await runRmOverApi(cli.engine.sock, mode);
          if (i >= warmup) got!.push(ms);
        } catch (err) {
          per.set(cli.engine.name, err as Error);
        }
      }
    }
  }
  const [none, bridge] = [results.get('none')!, results.get('bridge')!];
  const overhead: PerEngine = new Map();
  for (const cli of clis) {
    const [b, z] = [bridge.get(cli.engine.name)!, none.get(cli.engine.name)!];
    if (b instanceof Error || z instanceof Error) overhead.set(cli.engine.name, { error: (b instanceof Error ? b : (z as Error)).message });
    else overhead.set(cli.engine.name, { value: median(b.map((x, i) => x - z[i]!)), note: `difference of the medians ${(median(b) - median(z)).toFixed(1)} ms` });
  }
  return [
    measureOf('api_run_rm_none_median', 'API run --rm (no CLI) --network none, median', 'ms', figures(none)),
    measureOf('api_run_rm_bridge_median', 'API run --rm (no CLI) on the default bridge, median', 'ms', figures(bridge), { max: 1 / 3, text: '1/3' }),
    measureOf('api_run_rm_bridge_overhead', 'API run --rm: bridge − none, median of the paired differences', 'ms', overhead, { max: 15, text: '15 ms', absolute: true }),
  ];
}
