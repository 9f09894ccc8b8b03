import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey } from './cache.ts';
import { BUSYBOX_FILES, build, busyboxHost } from './build.test-helpers.ts';
import { MemoryHost } from './memory-host.test-helpers.ts';

const DF = 'FROM busybox\nARG V=1\nENV E=e\nRUN echo $V\nCOPY a.txt /a.txt\nCMD ["sh"]\n';

test('cache keys: same parent, text and config → same key; any of them changed → another', () => {
  const k = cacheKey('sha256:p', '/bin/sh -c x', { Env: ['A=1'], Cmd: ['sh'] });
  assert.equal(k, cacheKey('sha256:p', '/bin/sh -c x', { Cmd: ['sh'], Env: ['A=1'] }), 'key order does not matter');
  assert.notEqual(k, cacheKey('sha256:q', '/bin/sh -c x', { Env: ['A=1'], Cmd: ['sh'] }));
  assert.notEqual(k, cacheKey('sha256:p', '/bin/sh -c y', { Env: ['A=1'], Cmd: ['sh'] }));
  assert.notEqual(k, cacheKey('sha256:p', '/bin/sh -c x', { Env: ['A=2'], Cmd: ['sh'] }));
  assert.notEqual(k, cacheKey('sha256:p', '/bin/sh -c x', { Env: ['A=1'], Cmd: ['sh'] }, 'mode 0755'));
});

test('a rebuild with nothing changed uses the cache for every step and runs nothing', async () => {
  const host = busyboxHost();
  const files = { 'a.txt': 'A' };
  const first = await build(DF, { host, files });
  assert.equal(first.error, undefined);
  assert.equal(host.runs.length, 1);
  const calls = host.calls.length;
  const second = await build(DF, { host, files });
  assert.equal(second.imageId, first.imageId);
  assert.equal(host.runs.length, 1, 'no RUN the second time');
  assert.deepEqual(host.calls.slice(calls), ['baseImage busybox'], 'nothing made: only the base looked up');
  assert.equal(second.text.match(/ ---> Using cache\n/g)?.length, 5);
});

test('a changed build arg re-runs the RUN that sees it; a changed file re-runs the COPY', async () => {
  const host = busyboxHost();
  const a = await build(DF, { host, files: { 'a.txt': 'A' } });
  const b = await build(DF, { host, files: { 'a.txt': 'A' }, buildArgs: { V: '2' } });
  assert.equal(host.runs.length, 2);
  assert.notEqual(b.imageId, a.imageId);
  assert.equal(b.text.match(/Using cache/g)?.length, 2, 'ARG and ENV only');
  const c = await build(DF, { host, files: { 'a.txt': 'changed' } });
  assert.equal(host.runs.length, 2, 'the RUN before the COPY is still cached');
  assert.notEqual(c.imageId, a.imageId);
  assert.equal(c.text.match(/Using cache/g)?.length, 3);
});

test('noCache makes every step but still records them for the next build', async () => {
  const host = busyboxHost();
  const files = { 'a.txt': 'A' };
  await build(DF, { host, files });
  const b = await build(DF, { host, files, noCache: true });
  assert.equal(host.runs.length, 2);
  assert.doesNotMatch(b.text, /Using cache/);
  const c = await build(DF, { host, files });
  assert.equal(c.imageId, b.imageId);
  assert.equal(host.runs.length, 2);
});

test('a step whose cached image is gone is made again', async () => {
  const host = busyboxHost();
  const a = await build('FROM busybox\nRUN x\n', { host });
  host.images.delete(a.imageId!);
  const b = await build('FROM busybox\nRUN x\n', { host });
  assert.equal(host.runs.length, 2);
  assert.notEqual(b.imageId, a.imageId);
});

test('a cached COPY --chown or WORKDIR looks at no image tree', async () => {
  const host = busyboxHost();
  const df = 'FROM busybox\nWORKDIR /w\nCOPY --chown=nobody:nogroup a.txt /w/\n';
  const files = { 'a.txt': 'A' };
  await build(df, { host, files });
  assert.equal(host.calls.filter((c) => c.startsWith('withImageTree')).length, 2, 'one look each the first time');
  const calls = host.calls.length;
  await build(df, { host, files });
  assert.deepEqual(host.calls.slice(calls), ['baseImage busybox']);
});

test('--cache-from: an image built elsewhere serves every step, as its history continues each parent', async () => {
  const host = new MemoryHost();
  host.addImage('busybox', { Cmd: ['sh'] }, BUSYBOX_FILES);
  const files = { 'a.txt': 'A' };
  const first = await build(DF, { host, files, tags: ['app:1'] });
  host.refs.set('app:1', first.imageId!);
  // As after a pull: no local cache, none of its intermediate images, only the image itself.
  host.cache.clear();
  for (const id of [...host.images.keys()]) if (id !== first.imageId && id !== host.refs.get('busybox')) host.images.delete(id);
  const b = await build(DF, { host, files, cacheFrom: ['app:1', 'nosuch'] });
  assert.equal(b.error, undefined, String(b.error));
  assert.equal(host.runs.length, 1, 'no RUN the second time');
  assert.equal(b.text.match(/Using cache/g)?.length, 5);
  assert.match(b.text, /^\[Warning\] --cache-from nosuch: no such image here, not used\n/);
  assert.equal(b.imageId, first.imageId, 'the last step is the cache-from image itself');
  assert.equal(host.calls.filter((c) => c.startsWith('restoreCachedImage')).length, 4);
  const c = await build(DF.replace('COPY a.txt', 'COPY b.txt'), { host, files: { 'b.txt': 'A' }, cacheFrom: ['app:1'] });
  assert.equal(c.text.match(/Using cache/g)?.length, 3, 'from the changed COPY on, steps are made');
});

test('--cache-from naming only images that are not here: warned of, the steps are made', async () => {
  const host = busyboxHost();
  const b = await build(DF, { host, files: { 'a.txt': 'A' }, cacheFrom: ['img:1', 'img:2'] });
  assert.equal(b.error, undefined, String(b.error));
  assert.match(b.text, /^\[Warning\] --cache-from img:1: no such image here, not used\n\[Warning\] --cache-from img:2: no such image here, not used\n/);
  assert.equal(host.runs.length, 1);
  assert.equal(host.calls.filter((c) => c.startsWith('restoreCachedImage')).length, 0);
});
