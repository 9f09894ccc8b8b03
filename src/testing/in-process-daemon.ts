// An in-process berthd (startDaemon, so a test reaches its services: the build host's deps,
// the cache table) on a temporary directory, with the busybox image imported, no bridge and no
// live-restore. `after` removes what a test left (or, with `strict`, fails on a container left),
// shuts the daemon down and checks nothing stays mounted under its directory.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../daemon/daemon.ts';
import { loadDaemonConfig } from '../daemon/config/index.ts';
import type { DaemonConfig } from '../daemon/config/types.ts';
import { createLogger } from '../lib/logger.ts';
import { createClient, type BerthClient } from '../client/index.ts';
import { importImage } from './api.ts';
import { busyboxRootfs } from './busybox.ts';
import { requires, RUNS_CONTAINERS } from './requires.ts';

export interface InProcessDaemon {
  readonly skip: string | false;
  readonly dir: string;
  readonly sock: string;
  daemon: Daemon;
  config: DaemonConfig;
  client: BerthClient;
  /** The busybox image's id. */
  busybox: string;
}

/** `ready` runs once the daemon is up and busybox imported (e.g. to make a build host). */
export function inProcessDaemon(prefix: string, opts: { strict?: boolean; ready?: (f: InProcessDaemon) => void } = {}): InProcessDaemon {
  const skip = requires(...RUNS_CONTAINERS);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const f = { skip, dir, sock: join(dir, 'berth.sock') } as InProcessDaemon;
  before(async () => {
    if (skip) return;
    writeFileSync(join(dir, 'daemon.json'), '{}');
    ({ config: f.config } = loadDaemonConfig(['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'),
      '--config-file', join(dir, 'daemon.json'), '-H', `unix://${f.sock}`, '--live-restore=false', '--bridge', 'none']));
    f.daemon = await startDaemon(f.config, createLogger('warn'));
    f.client = createClient({ endpoint: { host: `unix://${f.sock}` } });
    f.busybox = await importImage(f.client.api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
    opts.ready?.(f);
  });
  after(async () => {
    if (skip) return;
    try {
      const left = await f.client.containers.list({ all: true });
      if (opts.strict) assert.deepEqual(left.map((c) => c.Id), [], 'no container left');
      // A test that failed half way may leave its RUN's container.
      for (const c of left) await f.client.containers.remove(c.Id, { force: true });
    } finally {
      await f.daemon?.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(dir), 'nothing left mounted');
  });
  return f;
}
