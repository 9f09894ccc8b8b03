// The lifecycle calls the attachments once per event (attachments.ts): a recording attachment in
// an in-process berthd sees a prepared start set up once and torn down at the exit, a restart
// (which holds the container's lock through its whole stop, and records the exit inline) tear
// down and set up again, a failed start torn down, and removals with and without `v`, and --rm,
// reported after the row is gone. Its env reaches the container's process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../daemon.ts';
import { loadDaemonConfig } from '../config/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { createClient, type BerthClient } from '../../client/index.ts';
import { importImage } from '../../testing/api.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { requires, RUNS_CONTAINERS } from '../../testing/requires.ts';
import { until, within } from '../../testing/until.ts';
import type { RunAttachment } from './attachments.ts';

const skip = requires(...RUNS_CONTAINERS);
const dir = mkdtempSync(join(tmpdir(), 'berth-attach-wiring-'));
const calls: { id: string; call: string; rowGone?: boolean }[] = [];
let daemon: Daemon;
let client: BerthClient;

const recorder: RunAttachment = {
  name: 'recorder',
  async setUp(c) {
    calls.push({ id: c.id, call: 'setUp' });
    return { env: ['SEAM_CODE=7'] };
  },
  async tearDown(c) {
    calls.push({ id: c.id, call: 'tearDown' });
  },
  async adopt(c) {
    calls.push({ id: c.id, call: 'adopt' });
  },
  async removed(c, opts) {
    const listed = await client.containers.list({ all: true });
    calls.push({ id: c.id, call: `removed(${opts.removeVolumes})`, rowGone: !listed.some((x) => x.Id === c.id) });
  },
};

const of = (id: string) => calls.filter((x) => x.id === id).map((x) => x.call);

/** Never two set-ups without a tearDown between them. */
function balanced(id: string): void {
  let up = false;
  for (const call of of(id)) {
    if (call === 'setUp') assert.ok(!up, `${id.slice(0, 12)}: ${of(id).join(' ')}`);
    up = call === 'setUp' ? true : call === 'tearDown' ? false : up;
  }
}

before(async () => {
  if (skip) return;
  const sock = join(dir, 'berth.sock');
  writeFileSync(join(dir, 'daemon.json'), '{}');
  const { config } = loadDaemonConfig(['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'), '--config-file', join(dir, 'daemon.json'), '-H', `unix://${sock}`, '--live-restore=false', '--bridge', 'none']);
  daemon = await startDaemon(config, createLogger('warn'), { attachments: [recorder] });
  client = createClient({ endpoint: { host: `unix://${sock}` } });
  await importImage(client.api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
});

after(async () => {
  if (skip) return;
  try {
    if (!client) return;
    for (const c of await client.containers.list({ all: true })) await client.containers.remove(c.Id, { force: true });
  } finally {
    await daemon?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(dir), 'nothing left mounted');
});

test('a prepared start is set up once, with its additions, and torn down at the exit; rm -v after the row', { skip }, async () => {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'exit $SEAM_CODE'] });
  await until('the prepared start is set up', () => of(Id).includes('setUp'));
  await client.containers.start(Id);
  assert.equal(await within('the exit', client.containers.wait(Id, 'not-running')), 7, 'the attachment\'s env reached the process');
  await until('the exit tears down', () => of(Id).at(-1) === 'tearDown');
  assert.deepEqual(of(Id), ['setUp', 'tearDown']);
  await client.containers.remove(Id, { volumes: true });
  assert.deepEqual(of(Id).slice(2), ['tearDown', 'removed(true)']);
  assert.equal(calls.find((x) => x.id === Id && x.call.startsWith('removed'))?.rowGone, true);
});

test('restart tears down and sets up again without deadlocking on its own exit; rm -f keeps the volumes', { skip }, async () => {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'] });
  await client.containers.start(Id);
  await within('restart', client.containers.restart(Id, 1), 15_000);
  assert.equal((await client.containers.list({ all: true })).find((c) => c.Id === Id)?.State, 'running');
  assert.deepEqual(of(Id), ['setUp', 'tearDown', 'setUp']);
  await within('forced removal', client.containers.remove(Id, { force: true }));
  assert.deepEqual(of(Id).slice(3), ['tearDown', 'tearDown', 'removed(false)'], 'the exit, the removal, then removed');
  balanced(Id);
});

test('a failed start is torn down', { skip }, async () => {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['/no/such/command'] });
  await assert.rejects(client.containers.start(Id), /no such file or directory/);
  assert.equal(of(Id).at(-1), 'tearDown');
  balanced(Id);
  await client.containers.remove(Id);
});

test('--rm takes the anonymous volumes along', { skip }, async () => {
  const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } });
  const removed = client.containers.wait(Id, 'removed');
  await client.containers.start(Id);
  await within('the removal', removed);
  assert.equal(of(Id).at(-1), 'removed(true)');
  balanced(Id);
});

test('restore adopts a running container and tears down a stopped one', { skip }, async () => {
  const running = (await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'] })).Id;
  await client.containers.start(running);
  const stopped = (await client.containers.create({ Image: 'busybox', Cmd: ['true'] })).Id;
  await client.containers.start(stopped);
  await within('the exit', client.containers.wait(stopped, 'not-running'));
  await until('the exit tears down', () => of(stopped).at(-1) === 'tearDown');
  // Live-restore: the containers run on while no daemon is there; the next one takes them over.
  daemon.applyConfig({ ...daemon.config, liveRestore: true });
  const config = daemon.config;
  await daemon.shutdown();
  const before = { running: of(running).length, stopped: of(stopped).length };
  daemon = await startDaemon(config, createLogger('warn'), { attachments: [recorder] });
  assert.deepEqual(of(running).slice(before.running), ['adopt']);
  assert.deepEqual(of(stopped).slice(before.stopped), ['tearDown']);
  const rows = await client.containers.list({ all: true });
  assert.equal(rows.find((c) => c.Id === running)?.State, 'running');
});
