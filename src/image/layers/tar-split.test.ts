// Byte-exact export on both drivers: whatever wrote the tar (tar-stream, GNU tar in gnu or
// posix format with xattrs, long names, hard links, whiteouts, a 10 KiB-blocked trailer), the
// layer's tar comes back with the sha256 it was extracted with — its diffID.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LayerStore } from './store.ts';
import { Overlay2Store } from './overlay2-store.ts';
import { VfsStore } from './vfs-store.ts';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-write.ts';
import { assertNoTestMounts, chainTars, collect, dropTarSplitRecords, makeTar, streamOf, tempDir } from './test-helpers.ts';

after(assertNoTestMounts);

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const DRIVERS = [['overlay2', (r: string) => new Overlay2Store(r)], ['vfs', (r: string) => new VfsStore(r)]] as const;

/** Apply the tars as a chain and check each layer exports to exactly its original bytes. */
async function roundTrip(store: LayerStore, tars: Buffer[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, tar] of tars.entries()) {
    const r = await store.applyLayer(ids.at(-1), streamOf(tar));
    assert.equal(r.diffId, sha(tar), `layer ${i}: diffID is the tar's sha256`);
    ids.push(r.cacheId);
  }
  for (const [i, id] of ids.entries()) {
    const out = await collect(store.tarLayer(id));
    assert.equal(sha(out), sha(tars[i]!), `layer ${i}: exported bytes hash to the diffID`);
    assert.equal(await store.layerTarSize(id), tars[i]!.length, `layer ${i}: size known up front`);
  }
  return ids;
}

/** Two layers of a real tree tarred by GNU tar: long names, xattrs, hard links, whiteouts. */
function gnuTars(dir: string, format: 'gnu' | 'posix'): Buffer[] {
  const l1 = join(dir, `${format}-1`);
  const deep = join(l1, 'usr', 'share', 'x'.repeat(90), 'y'.repeat(90));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${'long-name-'.repeat(12)}.txt`), 'far away');
  linkSync(join(deep, `${'long-name-'.repeat(12)}.txt`), join(l1, 'near')); // a long link target
  mkdirSync(join(l1, 'etc'));
  writeFileSync(join(l1, 'etc', 'passwd'), 'root:x:0:0\n');
  writeFileSync(join(l1, 'etc', 'empty'), '');
  writeFileSync(join(l1, 'etc', 'block'), Buffer.alloc(512, 7)); // exactly one block: no padding
  writeFileSync(join(l1, 'big'), Buffer.alloc(300_000, 'abc'));
  linkSync(join(l1, 'big'), join(l1, 'big-link'));
  symlinkSync('etc/passwd', join(l1, 'pw'));
  execFileSync('setfattr', ['-n', 'user.note', '-v', '0x00ff0a01', join(l1, 'etc', 'passwd')]);
  mkdirSync(join(l1, 'opt', 'old'), { recursive: true });
  writeFileSync(join(l1, 'opt', 'old', 'a'), 'a');
  const l2 = join(dir, `${format}-2`);
  mkdirSync(join(l2, 'etc'), { recursive: true });
  writeFileSync(join(l2, 'etc', '.wh.passwd'), '');
  mkdirSync(join(l2, 'opt', 'old'), { recursive: true });
  writeFileSync(join(l2, 'opt', 'old', '.wh..wh..opq'), '');
  writeFileSync(join(l2, 'opt', 'old', 'new'), 'new');
  // --xattrs makes GNU tar write PAX, so the gnu run keeps GNU's own L/K long-name blocks.
  const xattrs = format === 'posix' ? ['--xattrs', '--xattrs-include=user.*'] : [];
  const tar = (src: string) => execFileSync('tar', [`--format=${format}`, ...xattrs, '-C', src, '-cf', '-', '.'], { maxBuffer: 1 << 26 });
  return [tar(l1), tar(l2)];
}

for (const [driver, open] of DRIVERS) {
  test(`${driver}: tar-stream tars export byte for byte`, async (t) => {
    const store = open(tempDir(t));
    await roundTrip(store, await chainTars());
  });

  test(`${driver}: GNU tar (gnu and posix/PAX formats) exports byte for byte`, async (t) => {
    const dir = tempDir(t);
    for (const format of ['gnu', 'posix'] as const) {
      const tars = gnuTars(dir, format);
      assert.equal(tars[0]!.length % 10240, 0, 'GNU tar pads to its 10 KiB record: the trailer is kept too');
      const raw = tars[0]!.toString('latin1');
      assert.ok(raw.includes(format === 'gnu' ? '././@LongLink' : 'SCHILY.xattr.user.note'), `${format} long names / PAX xattrs present`);
      await roundTrip(open(join(dir, `store-${format}`)), tars);
    }
  });

  test(`${driver}: bodies the same tar overwrote or buried still export`, async (t) => {
    const store = open(tempDir(t));
    const tar = await makeTar([
      { name: 'twice', content: 'first version' },
      { name: 'twice', content: 'second, longer version' },
      { name: 'h', content: 'linked body' },
      { name: 'h2', type: 'link', linkname: 'h' },
      { name: 'h', content: 'h replaced' },
      { name: 'd/f', content: 'inside d' },
      { name: 'd', content: 'd is a file now' },
      { name: '.wh.gone', content: 'a whiteout with a body' },
    ]);
    const [id] = await roundTrip(store, [tar]);
    const text = (name: string) => readFileSync(join(store.layerPath(id!), name), 'utf8');
    assert.equal(text('twice'), 'second, longer version');
    assert.equal(text('h2'), 'linked body', 'the link keeps the first body');
    assert.equal(text('d'), 'd is a file now');
  });

  test(`${driver}: a missing trailer, and garbage after it, are given back as read`, async (t) => {
    const store = open(tempDir(t));
    const body = Buffer.from('x'.repeat(700));
    const entry = Buffer.concat([encodeHeader({ name: 'f', type: '0', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 1 }), body, padding(body.length)]);
    await roundTrip(store, [entry]);
    await roundTrip(store, [Buffer.concat([entry, END_OF_ARCHIVE, Buffer.alloc(3000), Buffer.from('trailing junk')])]);
  });

  test(`${driver}: a file changed on disk is an export error, not a wrong tar`, async (t) => {
    const store = open(tempDir(t));
    const [id] = await roundTrip(store, [await makeTar([{ name: 'f', content: 'original' }])]);
    writeFileSync(join(store.layerPath(id!), 'f'), 'changed!');
    await assert.rejects(collect(store.tarLayer(id!)), /changed content since it was extracted/);
    writeFileSync(join(store.layerPath(id!), 'f'), 'longer than before');
    await assert.rejects(collect(store.tarLayer(id!)), /changed size/);
  });

  test(`${driver}: without a record, tarLayer re-tars and layerTarSize counts that`, async (t) => {
    const root = tempDir(t);
    const store = open(root);
    const [id] = await roundTrip(store, [await makeTar([{ name: 'a', content: 'aa' }, { name: 'b/', type: 'directory' }])]);
    dropTarSplitRecords(root);
    const retar = await collect(store.tarLayer(id!));
    assert.equal(await store.layerTarSize(id!), retar.length);
  });

  test(`${driver}: a refused tar leaves no layer and no record behind`, async (t) => {
    const root = tempDir(t);
    const store = open(root);
    const bad = await makeTar([{ name: 'ok', content: 'fine' }, { name: '../escape', content: 'x' }]);
    await assert.rejects(store.applyLayer(undefined, streamOf(bad)), /escapes the layer root/);
    assert.deepEqual(await store.listCacheIds(), []);
    assert.deepEqual(readdirSync(join(root, driver, '.staging')), []);
    if (driver === 'vfs') assert.deepEqual(readdirSync(join(root, 'vfs', 'tar-split')), []);
    const ok = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'ok', content: 'fine' }])));
    const record = driver === 'vfs' ? join(root, 'vfs', 'tar-split', ok.cacheId) : join(root, 'overlay2', ok.cacheId);
    assert.ok(existsSync(join(record, 'tar-split.json.gz')), 'the committed layer has its record');
  });
}
