// The build cache as clients see it: GET /system/df's BuildCache (and `docker system df`),
// POST /build/prune (and `docker builder prune`). dockerd 20.10's classic builder keeps its
// cache in the images and reports no BuildCache records; berthd keeps a table of its steps
// (the issue), so the record checks run only against berthd; the answers' shapes against both
// (API 1.41, what both serve; and berthd's 1.52+ BuildCacheUsage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { stepsOf, withoutNotice } from '../testing/build-fixtures/build-output.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

interface CacheRecord { ID: string; Type: string; Description: string; InUse: boolean; Shared: boolean; Size: number; CreatedAt: string; LastUsedAt: string | null; UsageCount: number }
const TYPES = ['internal', 'frontend', 'source.local', 'source.git.checkout', 'exec.cachemount', 'regular'];
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const DOCKERFILE = 'FROM busybox\nCOPY data.txt /data.txt\nRUN echo cache-me-ran && cp /data.txt /copy.txt\n';

async function records(): Promise<CacheRecord[]> {
  const df = await f.api('GET', '/v1.41/system/df');
  assert.equal(df.status, 200);
  return ((df.body as { BuildCache: CacheRecord[] | null }).BuildCache ?? []);
}

async function build(tag: string) {
  const r = await f.docker(['build', '-t', tag, f.context('cached', { 'Dockerfile': DOCKERFILE, 'data.txt': 'data\n' })]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const runRan = (stdout: string) => stdout.split('\n').includes('cache-me-ran');

test('/system/df lists the build cache; a cached rebuild counts as a use', { skip }, async () => {
  assert.ok(runRan(await build('cached:v1')));
  const before = await records();
  if (f.dockerd) return void assert.deepEqual(before, [], 'the classic builder of dockerd 20.10 reports no records');
  const run = before.find((r) => r.Description.includes('echo cache-me-ran'));
  assert.ok(run, `a record describes the RUN step: ${JSON.stringify(before, null, 1)}`);
  for (const r of before) {
    assert.ok(r.ID.length > 0 && TYPES.includes(r.Type), JSON.stringify(r));
    assert.equal(typeof r.InUse, 'boolean');
    assert.equal(typeof r.Shared, 'boolean');
    assert.ok(Number.isInteger(r.Size) && r.Size >= 0);
    assert.match(r.CreatedAt, RFC3339);
    assert.ok(r.LastUsedAt === null || RFC3339.test(r.LastUsedAt), String(r.LastUsedAt));
    assert.ok(Number.isInteger(r.UsageCount) && r.UsageCount >= 0);
  }
  const again = await build('cached:v2');
  assert.ok(!runRan(again) && again.includes(' ---> Using cache'));
  const after = (await records()).find((r) => r.ID === run.ID);
  assert.ok(after, 'the record is still there');
  assert.ok(after.UsageCount > run.UsageCount, `UsageCount ${run.UsageCount} → ${after.UsageCount}`);
  assert.ok(Date.parse(after.LastUsedAt!) >= Date.parse(run.LastUsedAt ?? run.CreatedAt));
  const count = (await records()).length;
  // API 1.52+: the same records under BuildCacheUsage.
  const usage = (await f.api('GET', '/system/df?type=build-cache&verbose=1')).body as { BuildCacheUsage: { TotalCount: number; Items: CacheRecord[] } };
  assert.equal(usage.BuildCacheUsage.TotalCount, count);
  assert.equal(usage.BuildCacheUsage.Items.length, count);
  const df = await f.docker(['system', 'df']);
  assert.match(df.stdout, new RegExp(`^Build Cache\\s+${count}\\s`, 'm'), df.stdout);
});

test('POST /build/prune answers as dockerd; with a recent "until" it keeps the new records', { skip }, async () => {
  await build('cached:v3');
  const kept = await f.api('POST', `/v1.41/build/prune?all=1&filters=${encodeURIComponent(JSON.stringify({ until: ['1h'] }))}`);
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  const body = kept.body as { CachesDeleted: string[] | null; SpaceReclaimed: number };
  assert.ok(body.CachesDeleted === null || Array.isArray(body.CachesDeleted), JSON.stringify(body));
  assert.ok(Number.isInteger(body.SpaceReclaimed));
  if (f.dockerd) return;
  assert.deepEqual(body.CachesDeleted ?? [], [], 'records younger than an hour are kept');
  assert.ok((await records()).length > 0);
  const rebuilt = await build('cached:v4');
  assert.ok(!runRan(rebuilt), 'the cache still serves');
});

test('prune of everything empties the cache: the next build runs its RUN again', { skip }, async () => {
  await build('cached:v5');
  const ids = (await records()).map((r) => r.ID);
  const pruned = await f.api('POST', '/v1.41/build/prune?all=1');
  assert.equal(pruned.status, 200, JSON.stringify(pruned.body));
  const body = pruned.body as { CachesDeleted: string[] | null; SpaceReclaimed: number };
  assert.ok(Number.isInteger(body.SpaceReclaimed));
  if (f.dockerd) return;
  assert.deepEqual([...(body.CachesDeleted ?? [])].sort(), [...ids].sort());
  assert.deepEqual(await records(), []);
  const rebuilt = await build('cached:v6');
  assert.ok(runRan(rebuilt), `after a prune the RUN runs again:\n${rebuilt}`);
  assert.ok(stepsOf(rebuilt).slice(1).every((s) => !s.lines.includes(' ---> Using cache')), rebuilt);
});

test('docker builder prune -a -f through the CLI', { skip }, async () => {
  await build('cached:v7');
  const r = await f.docker(['builder', 'prune', '-a', '-f']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(withoutNotice(r.stderr), '');
  assert.match(r.stdout, /Total reclaimed space: \d/);
  if (!f.dockerd) {
    assert.match(r.stdout, /^Deleted build cache objects:\n/);
    assert.deepEqual(await records(), []);
  }
});
