// The images API against a real berthd: import, list, inspect, history, tag, remove, prune,
// and refusal of bad input — with layers really extracted into the daemon's store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import type { ApiClient } from '../client/api-client.ts';
import { importImage } from '../testing/api.ts';

let d: Berthd;
let api: ApiClient;

before(async () => {
  d = await startBerthd();
  api = d.client().api;
});
after(() => d?.cleanup());

const importTar = (body: Readable, query: Record<string, string | string[]>) => importImage(api, body, query);

test('import, list, inspect, history', async () => {
  const id = await importTar(busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]', 'ENV A=1'], message: 'made here' });
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  const list = await api.json<{ Id: string; RepoTags: string[]; Size: number; Created: number }[]>('GET', '/images/json');
  const img = list.find((i) => i.Id === id)!;
  assert.deepEqual(img.RepoTags, ['busybox:latest']);
  assert.ok(img.Size > 1_000_000, 'the layer size counts the busybox binary');
  const inspect = await api.json<Record<string, any>>('GET', '/images/busybox/json');
  assert.equal(inspect.Id, id);
  assert.deepEqual(inspect.Config.Cmd, ['sh']);
  assert.deepEqual(inspect.Config.Env, ['A=1']);
  assert.equal(inspect.Comment, 'made here');
  assert.equal(inspect.RootFS.Layers.length, 1);
  assert.equal(inspect.Os, 'linux');
  const layerDir = inspect.GraphDriver.Data?.UpperDir ?? '';
  if (inspect.GraphDriver.Name === 'overlay2') assert.ok(existsSync(join(layerDir, 'bin/busybox')));
  const history = await api.json<{ Id: string; Comment: string }[]>('GET', '/images/busybox:latest/history');
  assert.equal(history[0]!.Id, id);
  assert.equal(history[0]!.Comment, 'made here');
  const short = await api.json<{ Id: string }>('GET', `/images/${id.slice(7, 19)}/json`);
  assert.equal(short.Id, id);
});

test('tag, untag, remove frees the layer', async () => {
  const id = await importTar(busyboxRootfs({ 'etc/marker': 'x' }), { repo: 'removable' });
  await api.request('POST', '/images/removable/tag', { query: { repo: '127.0.0.1:5000/team/app', tag: 'v1' } });
  const tagged = await api.json<{ RepoTags: string[] }>('GET', `/images/127.0.0.1:5000/team/app:v1/json`);
  assert.deepEqual(tagged.RepoTags.sort(), ['127.0.0.1:5000/team/app:v1', 'removable:latest']);
  const untag = await api.json<unknown[]>('DELETE', '/images/removable:latest');
  assert.deepEqual(untag, [{ Untagged: 'removable:latest' }]);
  const inspect = await api.json<Record<string, any>>('GET', `/images/${id}/json`);
  const layersBefore = readdirSync(join(d.dir, 'data', inspect.GraphDriver.Name === 'overlay2' ? 'overlay2' : 'vfs/dir')).length;
  const gone = await api.json<Record<string, string>[]>('DELETE', '/images/127.0.0.1:5000/team/app:v1');
  assert.deepEqual(gone[0], { Untagged: '127.0.0.1:5000/team/app:v1' });
  assert.deepEqual(gone[1], { Deleted: id });
  assert.ok(gone.length >= 3, 'the layer is deleted too');
  const layersAfter = readdirSync(join(d.dir, 'data', inspect.GraphDriver.Name === 'overlay2' ? 'overlay2' : 'vfs/dir')).length;
  assert.equal(layersAfter, layersBefore - 1);
  await assert.rejects(api.json('GET', `/images/${id}/json`), /No such image/);
});

test('an image under two names is only untagged unless forced', async () => {
  await importTar(busyboxRootfs({ 'etc/two': '2' }), { repo: 'two', tag: 'a' });
  await api.request('POST', '/images/two:a/tag', { query: { repo: 'two', tag: 'b' } });
  const inspect = await api.json<{ Id: string }>('GET', '/images/two:a/json');
  await assert.rejects(api.json('DELETE', `/images/${inspect.Id}`), /must be forced\) - image is referenced in multiple repositories/);
  const forced = await api.json<Record<string, string>[]>('DELETE', `/images/${inspect.Id}`, { query: { force: true } });
  assert.ok(forced.some((r) => r.Deleted === inspect.Id));
});

test('dangling images are pruned', async () => {
  const id = await importTar(busyboxRootfs({ 'etc/dangling': 'd' }), {});
  const dangling = await api.json<{ Id: string }[]>('GET', '/images/json', { query: { filters: JSON.stringify({ dangling: ['true'] }) } });
  assert.ok(dangling.some((i) => i.Id === id));
  const pruned = await api.json<{ ImagesDeleted: Record<string, string>[]; SpaceReclaimed: number }>('POST', '/images/prune');
  assert.ok(pruned.ImagesDeleted.some((r) => r.Deleted === id));
  assert.ok(pruned.SpaceReclaimed > 0);
});

test('list filters: reference and label', async () => {
  await importTar(busyboxRootfs({ 'etc/l': 'l' }), { repo: 'labelled', tag: 'x', changes: ['LABEL team=blue'] });
  const byRef = await api.json<{ RepoTags: string[] }[]>('GET', '/images/json', { query: { filters: JSON.stringify({ reference: ['label*'] }) } });
  assert.deepEqual(byRef.map((i) => i.RepoTags[0]), ['labelled:x']);
  // An image with another name lists, under a reference filter, only the names that matched.
  await api.request('POST', '/images/labelled:x/tag', { query: { repo: 'elsewhere', tag: 'y' } });
  const byOne = await api.json<{ RepoTags: string[] }[]>('GET', '/images/json', { query: { filters: JSON.stringify({ reference: ['labelled'] }) } });
  assert.deepEqual(byOne.map((i) => i.RepoTags), [['labelled:x']]);
  const byOther = await api.json<{ RepoTags: string[] }[]>('GET', '/images/json', { query: { filters: JSON.stringify({ reference: ['else*:y'] }) } });
  assert.deepEqual(byOther.map((i) => i.RepoTags), [['elsewhere:y']]);
  const unfiltered = await api.json<{ RepoTags: string[] }[]>('GET', '/images/json', { query: { filters: JSON.stringify({ label: ['team=blue'] }) } });
  assert.deepEqual(unfiltered.map((i) => [...i.RepoTags].sort()), [['elsewhere:y', 'labelled:x']]);
  const byLabel = await api.json<unknown[]>('GET', '/images/json', { query: { filters: JSON.stringify({ label: ['team=blue'] }) } });
  assert.equal(byLabel.length, 1);
  await assert.rejects(api.json('GET', '/images/json', { query: { filters: JSON.stringify({ colour: ['x'] }) } }), /invalid filter 'colour'/);
});

function evilTar(entries: { name: string; type?: 'file' | 'symlink' | 'link' | 'character-device'; linkname?: string; body?: string }[]): Readable {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname && { linkname: e.linkname }), mode: 0o644 }, e.body ?? '');
  p.finalize();
  return p as unknown as Readable;
}

test('malicious layers are refused and leave nothing behind', async () => {
  const driverDir = () => {
    const dir = join(d.dir, 'data', existsSync(join(d.dir, 'data', 'overlay2')) ? 'overlay2' : 'vfs/dir');
    return readdirSync(dir).filter((n) => n !== 'l').length;
  };
  const before = driverDir();
  const cases = [
    evilTar([{ name: '../../escape', body: 'x' }]),
    evilTar([{ name: 'link', type: 'symlink', linkname: '/etc' }, { name: 'link/passwd', body: 'pwned' }]),
    evilTar([{ name: 'hard', type: 'link', linkname: '../../../etc/shadow' }]),
    evilTar([{ name: 'dev/evil', type: 'character-device' }]),
  ];
  for (const tar of cases) await assert.rejects(importTar(tar, { repo: 'evil' }));
  assert.equal(driverDir(), before, 'no layer directory was left');
  await assert.rejects(api.json('GET', '/images/evil/json'), /No such image/);
  assert.ok(await api.json('GET', '/version'), 'the daemon is still serving');
});
