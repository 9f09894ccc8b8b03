// `GET /_ping` over the daemon's socket from this process, a new connection each time as the
// docker CLI makes one per command: the floor of every request the daemon answers, without a
// client's start in it. Engines take turns request by request.
import { request } from 'node:http';
import type { Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, type EngineName } from './sampling.ts';

function pingOnce(sock: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ socketPath: sock, path: '/_ping', agent: false }, (res) => {
      res.resume().on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`/_ping answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function apiPing(clis: readonly Cli[], n: number): Promise<Measure> {
  const results = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const warmup = 5;
  for (let i = 0; i < warmup + n; i++) {
    for (const cli of clis) {
      const got = results.get(cli.engine.name);
      if (got instanceof Error) continue;
      try {
        const ms = await pingOnce(cli.engine.sock);
        if (i >= warmup) got!.push(ms);
      } catch (err) {
        results.set(cli.engine.name, err as Error);
      }
    }
  }
  return measureOf('ping_median', `GET /_ping, a new connection each (${n} requests), median`, 'ms', figures(results), { max: 1, text: '1× (proposed)' });
}
