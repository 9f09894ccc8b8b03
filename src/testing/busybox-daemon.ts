// The fixture most container tests share: a real berthd on a temporary socket with a busybox
// image imported through the docker CLI, and on the way out every container removed, the daemon
// stopped and nothing left mounted under its directory. Restart tests replace `d`.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { startBerthd, type Berthd, type HarnessOptions } from './berthd-harness.ts';
import { busyboxRootfs } from './busybox.ts';
import { run, type RunResult } from './run.ts';

export interface BusyboxDaemon {
  /** The daemon under test (a restart test may put a new one here on the same directory). */
  d: Berthd;
  /** A scratch directory of the test file (the docker CLI's config lives in it). */
  dir: string;
  env(): NodeJS.ProcessEnv;
  docker(args: string[], input?: string): Promise<RunResult>;
}

/** `setup` runs once the image is there (a second top-level `before` could run before this one's). */
export function useBusyboxDaemon(opts: { skip: string | false; importChanges?: string[]; harness?: HarnessOptions; setup?: (f: BusyboxDaemon) => Promise<void> }): BusyboxDaemon {
  const f = {} as BusyboxDaemon;
  f.env = () => ({ DOCKER_HOST: f.d.host, DOCKER_CONFIG: join(f.dir, 'config') });
  f.docker = (args, input) => run('docker', args, { env: f.env(), ...(input !== undefined && { input }), timeoutMs: 60_000 });
  before(async () => {
    if (opts.skip) return;
    f.d = await startBerthd(opts.harness);
    f.dir = mkdtempSync(join(tmpdir(), 'berth-test-'));
    writeFileSync(join(f.dir, 'rootfs.tar'), await buffer(busyboxRootfs()));
    const changes = ['CMD ["sh"]', ...(opts.importChanges ?? [])].flatMap((c) => ['-c', c]);
    const imp = await f.docker(['import', ...changes, join(f.dir, 'rootfs.tar'), 'busybox']);
    assert.equal(imp.code, 0, imp.stderr);
    await opts.setup?.(f);
  });
  after(async () => {
    if (opts.skip) return;
    const ids = (await f.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await f.docker(['rm', '-f', ...ids]);
    await f.d.cleanup();
    rmSync(f.d.dir, { recursive: true, force: true });
    rmSync(f.dir, { recursive: true, force: true });
    assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(f.d.dir), 'no mount is left under the daemon directory');
  });
  return f;
}
