// The tar reader and writer against GNU tar, in both directions: GNU long names, base-256
// numbers and POSIX PAX records read right; what we write, GNU tar reads back with its xattrs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readTar, type TarHeader } from './tar-read.ts';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-write.ts';
import { collect, streamOf, tempDir } from './test-helpers.ts';

async function readAll(tar: Buffer): Promise<{ h: TarHeader; body: string }[]> {
  const out = [];
  for await (const e of readTar(streamOf(tar))) out.push({ h: e.header, body: (await collect(e.body)).toString() });
  return out;
}

test('reads GNU tar: long names, base-256 ids, PAX xattrs and fractional mtimes', async (t) => {
  const dir = tempDir(t);
  const longName = `${'deep/'.repeat(30)}${'f'.repeat(120)}`;
  mkdirSync(join(dir, 'src', ...longName.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, 'src', longName), 'long');
  writeFileSync(join(dir, 'src', 'x'), 'xattr');
  execFileSync('setfattr', ['-n', 'user.bin', '-v', '0x00ff0a', join(dir, 'src', 'x')]);
  execFileSync('touch', ['-d', '@1700000000.25', join(dir, 'src', 'x')]);

  const gnu = execFileSync('tar', ['--format=gnu', '--owner=:3000000', '--group=:3000001', '-C', join(dir, 'src'), '-cf', '-', '.']);
  const g = await readAll(gnu);
  const lf = g.find((e) => e.h.name === `./${longName}`);
  assert.ok(lf, 'GNU long name read');
  assert.equal(lf.body, 'long');
  assert.equal(lf.h.uid, 3_000_000, 'base-256 uid');
  assert.equal(lf.h.gid, 3_000_001);

  const posix = execFileSync('tar', ['--format=posix', '--xattrs', '--xattrs-include=*', '-C', join(dir, 'src'), '-cf', '-', 'x']);
  const [x] = await readAll(posix);
  assert.equal(x!.h.name, 'x');
  assert.deepEqual(x!.h.xattrs.get('user.bin'), Buffer.from([0x00, 0xff, 0x0a]), 'binary xattr intact');
  assert.equal(x!.h.mtime, 1700000000.25);
  assert.equal(x!.body, 'xattr');
});

test('what we write, GNU tar extracts with names, links, ids and xattrs', async (t) => {
  const dir = tempDir(t);
  const longName = `${'sub/'.repeat(40)}ünïcödé`;
  const body = Buffer.from('data');
  const tar = Buffer.concat([
    encodeHeader({ name: longName, type: '0', mode: 0o640, uid: 5_000_000, gid: 7, size: body.length, mtime: 1_600_000_000, xattrs: new Map([['user.k', Buffer.from([0, 1, 2, 0xff])]]) }),
    body, padding(body.length),
    encodeHeader({ name: 'hard', type: '1', mode: 0o640, uid: 0, gid: 0, size: 0, mtime: 0, linkname: longName }),
    END_OF_ARCHIVE,
  ]);
  const listing = execFileSync('tar', ['--numeric-owner', '-tvf', '-'], { input: tar }).toString();
  assert.match(listing, /5000000\/7/);
  assert.match(listing, /hard link to sub\//);
  mkdirSync(join(dir, 'out'));
  execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-C', join(dir, 'out'), '-xf', '-'], { input: tar });
  assert.equal(readFileSync(join(dir, 'out', longName), 'utf8'), 'data');
  const hex = execFileSync('getfattr', ['--absolute-names', '-e', 'hex', '--only-values', '-n', 'user.k', join(dir, 'out', longName)]);
  assert.deepEqual(hex, Buffer.from([0, 1, 2, 0xff]));
  // ...and our own reader agrees.
  const [e] = await readAll(tar);
  assert.equal(e!.h.name, longName);
  assert.equal(e!.h.uid, 5_000_000);
});

test('trailing bytes after the end marker still count in the diffID stream', async () => {
  const tar = Buffer.concat([encodeHeader({ name: 'f', type: '0', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 }), END_OF_ARCHIVE, Buffer.alloc(8192)]);
  let seen = 0;
  const counting = (async function* () {
    for (const c of [tar.subarray(0, 700), tar.subarray(700)]) {
      seen += c.length;
      yield c;
    }
  })();
  for await (const e of readTar(counting)) await collect(e.body);
  assert.equal(seen, tar.length, 'the whole stream is consumed');
});
