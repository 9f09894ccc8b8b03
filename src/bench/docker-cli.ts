// The real docker CLI (28.2) as the client of either daemon: DOCKER_HOST names the daemon's
// socket and DOCKER_CONFIG a private, empty config directory, so nobody's contexts or settings
// on this machine change what is measured.
import { spawn, spawnSync } from 'node:child_process';
import { removeBenchDir, stopEngine, type Engine } from './daemons.ts';

export interface Cli {
  engine: Engine;
  env: NodeJS.ProcessEnv;
}

export function cliFor(engine: Engine, configDir: string): Cli {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${engine.sock}`, DOCKER_CONFIG: configDir };
  delete env.DOCKER_CONTEXT;
  return { engine, env };
}

export class DockerError extends Error {
  readonly stderr: string;
  constructor(args: string[], code: number | null, stderr: string) {
    super(`docker ${args.join(' ')} exited with ${code}: ${errorLine(stderr)}`);
    this.stderr = stderr;
  }
}

/** The line of the CLI's stderr that says what went wrong (not its closing "Run 'docker run --help'"). */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '';
}

/** Runs docker with its output going to /dev/null and returns the wall time in ms. */
export function timeDocker(cli: Cli, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('docker', args, { env: cli.env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new DockerError(args, r.status, r.stderr ?? String(r.error));
  return ms;
}

/** Runs docker (untimed) and returns what it printed on stdout. */
export function docker(cli: Cli, args: string[]): string {
  const r = spawnSync('docker', args, { env: cli.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new DockerError(args, r.status, r.stderr ?? String(r.error));
  return r.stdout;
}

/** Runs docker without blocking, for commands that must run at the same time. */
export function dockerAsync(cli: Cli, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env: cli.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Removes every container of the daemon (all of them are the bench's: the daemon is private). */
export function removeAllContainers(cli: Cli): void {
  const ids = docker(cli, ['ps', '-aq']).split('\n').filter(Boolean);
  if (ids.length > 0) docker(cli, ['rm', '-f', ...ids]);
}

/** A bench's end, whatever happened before: the daemons' containers removed, the daemons
 * stopped, `afterStop` (the bench's networks), and what they left in the bench directory
 * cleared (and said). */
export async function tearDownBench(clis: readonly Cli[], engines: readonly Engine[], dir: string, afterStop?: () => Promise<void>): Promise<void> {
  for (const cli of clis) {
    try {
      removeAllContainers(cli);
    } catch (err) {
      console.error(`cleanup of ${cli.engine.name}'s containers: ${(err as Error).message}`);
    }
  }
  for (const e of engines) await stopEngine(e);
  // Before the directory goes: what the daemons' network state is found by lives in it.
  if (afterStop) await afterStop().catch((err: Error) => console.error(`cleanup of the bench networks: ${err.message}`));
  const leftovers = removeBenchDir(dir);
  if (leftovers.length > 0) console.error(`cleaned up what the daemons left: ${leftovers.join(', ')}`);
}
