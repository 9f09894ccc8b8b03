// Throughput through a published port: a container serves a 1 GiB file (busybox httpd, the file
// in a tmpfs so no disk is timed) on 127.0.0.1:P, and a Node client on the host (port-stream.ts;
// for dockerd inside its network namespace, where its docker-proxy listens) fetches it. Only the
// transfer is timed, from the connect of the fetch that got the file to its last byte; a short
// count is an error, not a fast sample. Busybox's nc would be simpler but copies in small reads
// (~40 MB/s here, whatever the engine): it, not the port, would be measured.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { docker, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, type EngineName } from './sampling.ts';
import { freePort } from '../testing/free-port.ts';

const run = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./port-stream.js', import.meta.url));
export const GiB = 1024 ** 3;

async function transferOnce(cli: Cli, wrap: readonly string[], bytes: number): Promise<number> {
  const port = await freePort();
  // dd in 1 MiB blocks: busybox's head copies in small reads and takes a minute for 1 GiB here.
  const serve = `dd if=/dev/zero of=/www/f bs=1048576 count=${Math.ceil(bytes / 2 ** 20)} 2>/dev/null && exec httpd -f -p 80 -h /www`;
  const id = docker(cli, ['run', '-d', '-p', `127.0.0.1:${port}:80`, '--tmpfs', `/www:size=${Math.ceil(bytes / 2 ** 20) + 16}m`, 'busybox', 'sh', '-c', serve]).trim();
  try {
    const argv = [...wrap, process.execPath, CLIENT, String(port)];
    const { stdout } = await run(argv[0]!, argv.slice(1), { timeout: 180_000 });
    const got = JSON.parse(stdout) as { ms?: number; bytes?: number; error?: string };
    if (got.error !== undefined) throw new Error(got.error);
    if (got.bytes !== bytes) throw new Error(`${got.bytes} bytes arrived, not ${bytes}`);
    return got.ms!;
  } finally {
    docker(cli, ['rm', '-f', id]);
  }
}

/** One untimed transfer per engine, then `n` each, engines in turn. */
export async function portThroughput(clis: readonly Cli[], n: number, wraps: Partial<Record<EngineName, string[]>>, bytes = GiB): Promise<Measure> {
  const results = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  for (let i = 0; i < 1 + n; i++) {
    for (const cli of clis) {
      const got = results.get(cli.engine.name);
      if (got instanceof Error) continue;
      try {
        const ms = await transferOnce(cli, wraps[cli.engine.name] ?? [], bytes);
        if (i >= 1) got!.push(ms);
      } catch (err) {
        results.set(cli.engine.name, err as Error);
      }
    }
  }
  const per = figures(results);
  for (const f of per.values()) if (f.value !== undefined) f.note = `${(bytes / 2 ** 20 / (f.value / 1000)).toFixed(0)} MiB/s`;
  return measureOf('publish_throughput_1gib', `${bytes / GiB} GiB through a published port on 127.0.0.1 (httpd → node), median of ${n}`, 'ms', per, { max: 1, text: '1× (proposed)' });
}
