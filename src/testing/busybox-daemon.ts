// The fixture most container tests share: a real berthd on a temporary socket with a busybox
// image (imported through the API, so tests of the berth CLI need no docker CLI), and on the way
// out every container removed, the daemon stopped and nothing left mounted under its directory.
// Restart tests replace `d`.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd, type HarnessOptions } from './berthd-harness.ts';
import { busyboxRootfs } from './busybox.ts';
import { importImage } from './api.ts';
import { run, type RunResult } from './run.ts';
import { requires, RUNS_CONTAINERS } from './requires.ts';

export interface BusyboxDaemon {
  /** The daemon under test (a restart test may put a new one here on the same directory). */
  d: Berthd;
  /** A scratch directory of the test file (the CLIs' config lives in it). */
  dir: string;
  env(): NodeJS.ProcessEnv;
  /** The real docker CLI against `d`. */
  docker(args: string[], input?: string): Promise<RunResult>;
}

/** `setup` runs once the image is there (a second top-level `before` could run before this one's). */
export function useBusyboxDaemon(opts: { skip?: string | false; importChanges?: string[]; harness?: HarnessOptions; setup?: (f: BusyboxDaemon) => Promise<void> } = {}): BusyboxDaemon {
  // Every user runs containers: a machine that cannot fails here by name (see requires.ts).
  requires(...RUNS_CONTAINERS);
  const f = {} as BusyboxDaemon;
  f.env = () => ({ DOCKER_HOST: f.d.host, DOCKER_CONFIG: join(f.dir, 'config') });
  f.docker = (args, input) => run('docker', args, { env: f.env(), ...(input !== undefined && { input }), timeoutMs: 60_000 });
  before(async () => {
    if (opts.skip) return;
    f.d = await startBerthd(opts.harness);
    f.dir = mkdtempSync(join(tmpdir(), 'berth-test-'));
    await importImage(f.d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]', ...(opts.importChanges ?? [])] });
    await opts.setup?.(f);
  });
  after(async () => {
    if (opts.skip) return;
    // Containers outlive berthd by design (live-restore): remove them before the daemon goes.
    // One that removed itself (--rm) may be gone already; the daemon must stop either way.
    try {
      const containers = f.d.client().containers;
      for (const c of await containers.list({ all: true })) await containers.remove(c.Id, { force: true }).catch(() => undefined);
    } finally {
      await f.d.cleanup();
      rmSync(f.d.dir, { recursive: true, force: true });
      rmSync(f.dir, { recursive: true, force: true });
    }
    assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(f.d.dir), 'no mount is left under the daemon directory');
  });
  return f;
}
