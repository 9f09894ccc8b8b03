// Hostile layers, on both drivers: each must fail with an invalid-parameter BerthError that
// says why, touch nothing outside the store, and leave no layer, staging dir or link behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BerthError } from '../../api/types/errors.ts';
import { Overlay2Store } from './overlay2-store.ts';
import type { LayerStore } from './store.ts';
import { encodeHeader, END_OF_ARCHIVE, padding, type WriteType } from './tar-write.ts';
import { assertNoTestMounts, makeTar, streamOf, tempDir, type TEntry } from './test-helpers.ts';
import { VfsStore } from './vfs-store.ts';

after(assertNoTestMounts);

/** A raw tar entry with arbitrary name bytes or type (things tar-stream would not write). */
function raw(name: Buffer, type: string, body = Buffer.alloc(0)): Buffer {
  const h = encodeHeader({ name: 'x'.repeat(name.length), type: type as WriteType, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 });
  name.copy(h, 0);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const v of h) sum += v;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return Buffer.concat([h, body, padding(body.length), END_OF_ARCHIVE]);
}

interface Case {
  name: string;
  entries: (outside: string) => TEntry[] | Buffer | Promise<Buffer>;
  error: RegExp;
}

const long = 'n'.repeat(300);
const cases: Case[] = [
  { name: '../ climbing out of the root', entries: () => [{ name: '../evil', content: 'x' }], error: /"\.\.\/evil": path escapes the layer root/ },
  { name: '.. hidden in the middle', entries: () => [{ name: 'a/../../evil', content: 'x' }], error: /path escapes the layer root/ },
  { name: 'hard link out of the root', entries: () => [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], error: /hard link target "..\/..\/etc\/passwd": path escapes/ },
  {
    name: 'writing through a symlink', error: /parent "link" is a symlink/,
    entries: (o) => [{ name: 'link', type: 'symlink', linkname: o }, { name: 'link/passwd', content: 'pwned' }],
  },
  {
    name: 'whiteout through a symlink', error: /parent "link" is a symlink/,
    entries: (o) => [{ name: 'link', type: 'symlink', linkname: o }, { name: 'link/.wh.victim', content: '' }],
  },
  {
    name: 'opaque marker through a symlink', error: /parent "link" is a symlink/,
    entries: (o) => [{ name: 'link', type: 'symlink', linkname: o }, { name: 'link/.wh..wh..opq', content: '' }],
  },
  {
    name: 'hard link through a symlink', error: /target is not an entry extracted earlier/,
    entries: (o) => [{ name: 'link', type: 'symlink', linkname: o }, { name: 'h', type: 'link', linkname: 'link/victim' }],
  },
  { name: 'hard link to something not extracted', entries: () => [{ name: 'h', type: 'link', linkname: '/etc/passwd' }], error: /"\/etc\/passwd": the target is not an entry extracted earlier/ },
  { name: 'hard link to a directory', entries: () => [{ name: 'd/', type: 'directory' }, { name: 'h', type: 'link', linkname: 'd' }], error: /target is a directory/ },
  { name: 'hard link to itself', entries: () => [{ name: 'f', content: 'x' }, { name: 'f', type: 'link', linkname: './f' }], error: /links to itself/ },
  { name: 'a file used as a directory', entries: () => [{ name: 'a', content: 'x' }, { name: 'a/b', content: 'y' }], error: /parent "a" is not a directory/ },
  { name: 'character device', entries: () => [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], error: /char device nodes are not allowed/ },
  { name: 'block device', entries: () => [{ name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }], error: /block device nodes are not allowed/ },
  { name: 'fifo', entries: () => [{ name: 'p', type: 'fifo' }], error: /fifo device nodes are not allowed/ },
  { name: 'overlong name component', entries: () => [{ name: `d/${long}`, content: 'x' }], error: /longer than 255 bytes/ },
  { name: 'overlong path', entries: () => [{ name: `${Array(20).fill('d'.repeat(250)).join('/')}/f`, content: 'x' }], error: /path is longer than 4096 bytes/ },
  { name: 'whiteout of ".."', entries: () => [{ name: 'a/.wh...', content: '' }], error: /whiteout "\.wh\.\.\.": it names no entry/ },
  { name: 'name that is not UTF-8', entries: () => raw(Buffer.from([0x61, 0xff, 0xfe]), '0'), error: /name is not valid UTF-8/ },
  { name: 'unsupported entry type', entries: () => raw(Buffer.from('vol'), 'V'), error: /unsupported tar entry type V/ },
  { name: 'truncated tar', entries: async () => (await makeTar([{ name: 'f', content: 'x'.repeat(2000) }])).subarray(0, 1024), error: /unexpected end of stream/ },
  { name: 'a still-gzipped layer', entries: () => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(1020, 7)]), error: /the stream is gzip-compressed; decompress it first/ },
  { name: 'not a tar at all', entries: () => Buffer.alloc(1024, 7), error: /checksum mismatch \(not an uncompressed tar\?\)/ },
];

type Make = (root: string) => LayerStore;
const drivers: [string, Make][] = [['overlay2', (r) => new Overlay2Store(r)], ['vfs', (r) => new VfsStore(r)]];

/** Every file under dir, for comparing the store before and after a refused layer. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      out.push(p);
      if (lstatSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

for (const [driver, make] of drivers) {
  for (const c of cases) {
    test(`${driver}: refuses ${c.name}`, async (t) => {
      const root = tempDir(t);
      const outside = join(root, 'outside');
      mkdirSync(outside);
      writeFileSync(join(outside, 'victim'), 'safe');
      const store = make(join(root, 'data'));
      // A committed base layer, so refusing a child must not disturb an existing stack either.
      const base = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'keep', content: 'k' }])));
      const before = snapshot(join(root, 'data'));
      const input = await c.entries(outside);
      const tar = Buffer.isBuffer(input) ? input : await makeTar(input);
      const err = await store.applyLayer(base.cacheId, streamOf(tar)).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof BerthError, `expected a BerthError, got ${String(err)}`);
      assert.equal(err.kind, 'invalid-parameter');
      assert.match(err.message, c.error);
      assert.deepEqual(snapshot(join(root, 'data')), before, 'nothing left behind in the store');
      assert.deepEqual(readdirSync(outside), ['victim']);
      assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'safe');
      assert.deepEqual(await store.listCacheIds(), [base.cacheId]);
    });
  }

  test(`${driver}: symlinks may point anywhere but are never followed`, async (t) => {
    const root = tempDir(t);
    const outside = join(root, 'outside');
    mkdirSync(outside, { mode: 0o700 });
    writeFileSync(join(outside, 'victim'), 'safe');
    const store = make(join(root, 'data'));
    const r = await store.applyLayer(undefined, streamOf(await makeTar([
      { name: 'abs', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'f', type: 'symlink', linkname: join(outside, 'victim') },
      { name: 'f', content: 'replaces the link, not its target' },
      { name: 'd', type: 'symlink', linkname: outside },
      { name: 'd/', type: 'directory', mode: 0o777 }, // replaces the link: no chmod on outside
    ])));
    const dir = store.layerPath(r.cacheId);
    assert.equal(lstatSync(join(dir, 'abs')).isSymbolicLink(), true);
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'safe');
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'replaces the link, not its target');
    assert.equal(statSync(outside).mode & 0o777, 0o700);
    assert.equal(lstatSync(join(dir, 'd')).isDirectory(), true);
  });

  test(`${driver}: device nodes are created when allowDevices is on`, async (t) => {
    const root = tempDir(t);
    const store = driver === 'vfs' ? new VfsStore(root, { allowDevices: true }) : new Overlay2Store(root, { allowDevices: true });
    const r = await store.applyLayer(undefined, streamOf(await makeTar([
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/fifo', type: 'fifo', mode: 0o600 },
    ])));
    const st = lstatSync(join(store.layerPath(r.cacheId), 'dev/null'));
    assert.ok(st.isCharacterDevice());
    assert.equal(st.rdev, (1 << 8) | 3);
    assert.equal(st.mode & 0o777, 0o666);
    assert.ok(lstatSync(join(store.layerPath(r.cacheId), 'dev/fifo')).isFIFO());
  });
}

test('vfs: a symlink from a parent layer is not written through either', async (t) => {
  const root = tempDir(t);
  const outside = join(root, 'outside');
  mkdirSync(outside);
  const store = new VfsStore(join(root, 'data'));
  const base = await store.applyLayer(undefined, streamOf(await makeTar([{ name: 'link', type: 'symlink', linkname: outside }])));
  await assert.rejects(store.applyLayer(base.cacheId, streamOf(await makeTar([{ name: 'link/x', content: 'x' }]))), /parent "link" is a symlink/);
  await assert.rejects(store.applyLayer(base.cacheId, streamOf(await makeTar([{ name: 'link/.wh..wh..opq', content: '' }]))), /parent "link" is a symlink/);
  assert.deepEqual(readdirSync(outside), []);
  assert.deepEqual(await store.listCacheIds(), [base.cacheId]);
  assert.equal(existsSync(join(root, 'data/vfs/.staging')) && readdirSync(join(root, 'data/vfs/.staging')).length, 0);
});

for (const [driver, make] of drivers) {
  test(`${driver}: overlay's own xattrs are never taken from a layer; refused xattrs only warn`, async (t) => {
    const root = tempDir(t);
    const store = make(root);
    const r = await store.applyLayer(undefined, streamOf(await makeTar([
      { name: 'd/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.redirect': '/etc', 'SCHILY.xattr.trusted.overlay.opaque': 'y' } },
      { name: 'l', type: 'symlink', linkname: 'd', pax: { 'SCHILY.xattr.user.x': '1' } }, // user.* on a symlink: EPERM
    ])));
    assert.equal(r.warnings.length, 3);
    assert.match(r.warnings.join('\n'), /ignored xattr trusted\.overlay\.redirect/);
    assert.match(r.warnings.join('\n'), /skipped xattr user\.x: .*Operation not permitted/);
    const dump = execFileSync('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', join(store.layerPath(r.cacheId), 'd')]).toString();
    assert.equal(dump, '');
  });
}
