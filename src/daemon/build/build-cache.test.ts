// The build cache against an in-process berthd: lookups count as uses and a row whose image is
// gone is a miss; image removal ignores the rows; /system/df's BuildCache records (parents,
// sizes, shared, in use) at old and new API versions; POST /build/prune removes the dangling
// steps' rows and the images only the cache kept, leaves named chains and images in use, and
// honours filters and reserved-space.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { createClient } from '../../client/index.ts';
import { inProcessDaemon } from '../../testing/in-process-daemon.ts';
import { DaemonBuildHost } from './build-host.ts';
import type { BuildCacheRecord } from './build-cache-service.ts';

let host: DaemonBuildHost;
const f = inProcessDaemon('berth-build-cache', { ready: (d) => (host = new DaemonBuildHost(d.daemon.buildHostDeps)) });
const skip = f.skip;

const at = (version: string) => createClient({ endpoint: { host: `unix://${f.sock}` }, version }).api;
const records = async () => (await at('1.47').json<{ BuildCache: BuildCacheRecord[] | null }>('GET', '/system/df')).BuildCache ?? [];
const record = async (id: string) => (await records()).find((r) => r.ID === id);
const prune = (query: Record<string, string>) => f.client.api.json<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/build/prune', { query });
const exists = async (id: string) => (await f.client.images.list({ all: true })).some((i) => i.Id === id);

function fileTar(name: string, bytes: number): () => Readable {
  return () => {
    const p = pack();
    p.entry({ name, mode: 0o644 }, Buffer.alloc(bytes, 'x'));
    p.finalize();
    return p as unknown as Readable;
  };
}

/** Three steps on busybox (ENV, COPY of `bytes`, CMD), each put in the cache under prefix-N. */
async function chain(prefix: string, bytes: number): Promise<string[]> {
  const cfg = host.imageConfig(f.busybox).config ?? {};
  const a = (await host.commitConfig(f.busybox, { ...cfg, Env: [`P=${prefix}`] }, `/bin/sh -c #(nop)  ENV P=${prefix}`)).id;
  host.cachePut(`${prefix}-1`, a, `ENV P=${prefix}`);
  const b = (await host.addFiles(a, fileTar(`${prefix}.txt`, bytes), cfg, `/bin/sh -c #(nop) COPY file:${prefix} in /`)).id;
  host.cachePut(`${prefix}-2`, b, `COPY ${prefix}.txt /`);
  const c = (await host.commitConfig(b, { ...cfg, Cmd: ['cat', `/${prefix}.txt`] }, '/bin/sh -c #(nop)  CMD ["cat"]')).id;
  host.cachePut(`${prefix}-3`, c, 'CMD ["cat"]');
  return [a, b, c];
}

test('lookups: a hit counts as a use; a row whose image was removed is a miss and goes; removal ignores the rows', { skip }, async () => {
  const { id } = await host.commitConfig(f.busybox, { Env: ['A=1'] }, '/bin/sh -c #(nop)  ENV A=1');
  host.cachePut('weak', id, 'ENV A=1');
  assert.equal(host.cacheGet('weak'), id);
  assert.equal(host.cacheGet('nosuch'), undefined);
  const r = await record('weak');
  assert.equal(r?.UsageCount, 2);
  assert.ok(r && r.LastUsedAt! > r.CreatedAt);
  await f.client.images.remove(id);
  assert.equal(await record('weak'), undefined, 'df lists no record of a gone image');
  assert.equal(host.cacheGet('weak'), undefined);
  assert.equal(f.daemon.buildHostDeps.cache.deps.table.get('weak'), undefined, 'the row went with the miss');
});

test('df: the steps\' records, their parents and sizes; BuildCacheUsage since 1.52, Parent before 1.42', { skip }, async () => {
  await chain('df', 1000);
  const [one, two, three] = await Promise.all(['df-1', 'df-2', 'df-3'].map(record));
  assert.deepEqual([one?.Parents, two?.Parents, three?.Parents], [null, ['df-1'], ['df-2']]);
  assert.deepEqual([one?.Size, two?.Size, three?.Size], [0, 1000, 0]);
  assert.deepEqual([one?.Shared, two?.Shared, three?.Shared], [true, true, false], 'children keep the first two');
  assert.deepEqual([one?.Type, one?.InUse, two?.Description], ['regular', false, 'COPY df.txt /']);
  const old = (await at('1.41').json<{ BuildCache: Record<string, unknown>[] }>('GET', '/system/df')).BuildCache.find((r) => r.ID === 'df-2');
  assert.equal(old?.Parent, 'df-1');
  assert.equal(old?.Parents, undefined);
  const usage = (await at('1.52').json<{ BuildCacheUsage: { TotalCount: number; TotalSize: number; Reclaimable: number } }>('GET', '/system/df', { query: { type: 'build-cache' } })).BuildCacheUsage;
  // The 1000 bytes are df-2's, which df-3 shares: left out of the size, as the docker CLI sums.
  assert.deepEqual(usage, { TotalCount: 3, TotalSize: 0, ActiveCount: 0, Reclaimable: 0 });
  assert.deepEqual((await prune({ all: '1' })).CachesDeleted?.sort(), ['df-1', 'df-2', 'df-3']);
});

test('prune: dangling steps and the images only they kept go; a named chain stays unless all, and then only its rows', { skip }, async () => {
  const dangling = await chain('gone', 2000);
  const named = await chain('kept', 3000);
  host.tag(named[2]!, ['kept:latest']);
  assert.deepEqual(await prune({ filters: JSON.stringify({ until: ['1h'] }) }), { CachesDeleted: null, SpaceReclaimed: 0 }, 'nothing older than an hour');
  const first = await prune({});
  assert.deepEqual(first.CachesDeleted?.sort(), ['gone-1', 'gone-2', 'gone-3']);
  assert.equal(first.SpaceReclaimed, 2000);
  for (const id of dangling) assert.equal(await exists(id), false);
  assert.ok(await exists(f.busybox), 'the base image stays');
  // A container on the named chain's first image: that record is in use.
  const { Id } = await f.client.containers.create({ Image: named[0]!, Cmd: ['true'] });
  assert.equal((await record('kept-1'))?.InUse, true);
  const all = await prune({ all: 'true' });
  assert.deepEqual(all, { CachesDeleted: ['kept-2', 'kept-3'], SpaceReclaimed: 0 }, 'rows go; tagged images and their parents stay');
  for (const id of named) assert.equal(await exists(id), true);
  await f.client.containers.remove(Id);
  assert.deepEqual((await prune({ all: '1' })).CachesDeleted, ['kept-1']);
});

test('prune: reserved-space keeps the most recently used; filters select', { skip }, async () => {
  await chain('old', 4000);
  await chain('new', 4000);
  host.cacheGet('new-2');
  const some = await prune({ 'reserved-space': '5000' });
  assert.deepEqual(some.CachesDeleted?.sort(), ['old-1', 'old-2', 'old-3'], 'oldest first, until 4000 bytes are left');
  assert.equal(some.SpaceReclaimed, 4000);
  assert.deepEqual((await prune({ filters: JSON.stringify({ id: ['new-3'] }) })).CachesDeleted, ['new-3']);
  assert.deepEqual((await prune({ all: '1', filters: JSON.stringify({ description: ['COPY'] }) })).CachesDeleted, ['new-2']);
  await assert.rejects(prune({ filters: JSON.stringify({ nosuch: ['x'] }) }), /invalid filter 'nosuch'/);
  assert.deepEqual((await prune({ all: '1' })).CachesDeleted, ['new-1']);
  assert.equal((await at('1.47').json<{ BuildCache: unknown }>('GET', '/system/df')).BuildCache, null, 'no records: null, as dockerd');
});
