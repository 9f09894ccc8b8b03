// Network changes that land while a container starts (test-faults found them: a connect answered
// 500 "RTNETLINK answers: File exists"). A start plumbs the container's namespace from the
// endpoints it reads before `runc start`; a network rm (which counted only running containers)
// or a disconnect meanwhile removed the record and left its eth<N>, which the next connect then
// collided with. A runtime that holds `start` until the test lets it go makes the moment exact.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../../testing/requires.ts';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { networkHarness, networkNames, removeKernelObjects } from '../../testing/network-harness.ts';
import { until, within } from '../../testing/until.ts';

const skip = requires('ip', 'nft', ...RUNS_CONTAINERS);
const gate = mkdtempSync(join(tmpdir(), 'berth-gate-'));
const runtime = join(gate, 'gated-runc');
writeFileSync(runtime, `#!/bin/sh
# runc whose start waits (30 s at most) for ${gate}/go, after saying so in ${gate}/starting.
for a in "$@"; do
  case "$a" in
    start) touch ${gate}/starting; i=0; while [ ! -e ${gate}/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; break ;;
    create|delete|kill|state) break ;;
  esac
done
exec /usr/sbin/runc "$@"
`);
chmodSync(runtime, 0o755);
const names = networkNames();
const f = useBusyboxDaemon({ skip, harness: networkHarness(names, { args: ['--add-runtime', `gated=${runtime}`] }) });
after(() => {
  removeKernelObjects(names);
  rmSync(gate, { recursive: true, force: true });
});

/** A container on `network` (gated runtime) whose start is held inside `runc start`: the
 * namespace is plumbed, the container still "created". `release` lets the start finish. */
async function heldStart(network: string): Promise<{ id: string; started: Promise<void>; release: () => void }> {
  const c = f.d.client();
  rmSync(join(gate, 'go'), { force: true });
  rmSync(join(gate, 'starting'), { force: true });
  const { Id } = await c.containers.create({ Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: network, Runtime: 'gated' } } as never);
  const started = c.containers.start(Id);
  started.catch(() => undefined); // awaited by the test; a rejection before that is not unhandled
  await until('the start to reach runc start', () => existsSync(join(gate, 'starting')), { timeoutMs: 30_000 });
  return { id: Id, started, release: () => writeFileSync(join(gate, 'go'), '') };
}

async function links(id: string): Promise<string[]> {
  const r = await f.docker(['exec', id, 'sh', '-c', "ip -o link | cut -d: -f2 | cut -d@ -f1"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('eth')).sort();
}

test('network rm while a container on it starts: refused as for a running one; a connect after the start works', { skip }, async () => {
  const c = f.d.client();
  await c.networks.create({ Name: 'race-a' } as never);
  await c.networks.create({ Name: 'race-b' } as never);
  const s = await heldStart('race-a');
  const removal = c.networks.remove('race-a').then(() => 'removed', (e: Error) => e.message);
  // The removal must not be answered while the start holds the namespace: it waits for it.
  s.release();
  await within('the start', s.started, 30_000);
  const removed = await removal;
  // Before the fix: 500 "RTNETLINK answers: File exists" (eth0 outlived its record).
  await c.networks.connect('race-b', s.id);
  assert.match(removed, /^error while removing network: network race-a id [0-9a-f]{64} has active endpoints \(name:"[^"]+" id:"[0-9a-f]{12}"\)$/);
  const nets = (await c.containers.inspect(s.id)) as unknown as { NetworkSettings: { Networks: Record<string, unknown> } };
  assert.deepEqual(Object.keys(nets.NetworkSettings.Networks).sort(), ['race-a', 'race-b']);
  assert.deepEqual(await links(s.id), ['eth0', 'eth1']);
  await c.containers.remove(s.id, { force: true });
  for (const n of ['race-a', 'race-b']) await c.networks.remove(n);
});

test('disconnect while the container starts: done after the start, its eth<N> gone; connecting again works', { skip }, async () => {
  const c = f.d.client();
  await c.networks.create({ Name: 'race-c' } as never);
  await c.networks.create({ Name: 'race-d' } as never);
  const s = await heldStart('race-c');
  const disconnected = c.networks.disconnect('race-c', s.id, false);
  s.release();
  await within('the start', s.started, 30_000);
  await within('the disconnect', disconnected, 30_000);
  assert.deepEqual(await links(s.id), []);
  await c.networks.connect('race-d', s.id);
  await c.networks.connect('race-c', s.id);
  assert.deepEqual(await links(s.id), ['eth0', 'eth1']);
  await c.containers.remove(s.id, { force: true });
  for (const n of ['race-c', 'race-d']) await c.networks.remove(n);
});
