// Entry names as docker's archiver writes them for cp and export, and tars of files that
// change while they are read (a running container) staying well-formed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { readTar } from '../layers/tar-read.ts';
import { byteStream, tarChunks, type Change } from '../layers/tar-layer.ts';
import { FsView } from './fs-view.ts';
import { tarTree } from './tree-tar.ts';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-treetar-'));
  mkdirSync(join(root, 'etc', 'sub'), { recursive: true });
  writeFileSync(join(root, 'etc', 'passwd'), 'root\n');
  writeFileSync(join(root, 'etc', 'sub', 'x'), 'x');
  symlinkSync('/etc', join(root, 'link'));
});
after(() => rmSync(root, { recursive: true, force: true }));

async function entries(tar: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const { header, body } of readTar(tar)) {
    let text = '';
    for await (const c of body) text += c.toString();
    out.push(text ? `${header.name}=${text}` : header.name);
  }
  return out;
}

test('names: a directory under its own name or a new one, contents with "/.", a file, the root, export', async () => {
  const view = new FsView(root);
  assert.deepEqual(await entries(tarTree({ view, sourceDir: '/etc', include: '.', rebase: 'etc' })), ['etc/', 'etc/passwd=root\n', 'etc/sub/', 'etc/sub/x=x']);
  assert.deepEqual(await entries(tarTree({ view, sourceDir: '/etc/.', include: '.', rebase: '.' })), ['./', './passwd=root\n', './sub/', './sub/x=x']);
  assert.deepEqual(await entries(tarTree({ view, sourceDir: '/etc', include: 'passwd', rebase: 'passwd' })), ['passwd=root\n']);
  // A link that asks for its directory ("link/.") is followed inside the root, named as asked.
  assert.deepEqual(await entries(tarTree({ view, sourceDir: '/link/.', include: '.', rebase: 'link' })), ['link/', 'link/passwd=root\n', 'link/sub/', 'link/sub/x=x']);
  assert.deepEqual(await entries(tarTree({ view, sourceDir: '/', include: 'link', rebase: '' })), ['link']);
  assert.deepEqual((await entries(tarTree({ view, sourceDir: '/', include: '.', rebase: '/' }))).slice(0, 3), ['/', '/etc/', '/etc/passwd=root\n']);
  assert.deepEqual(await entries(tarTree({ view, sourceDir: '/', include: '.', rebase: '', skipRoot: true })), ['etc/', 'etc/passwd=root\n', 'etc/sub/', 'etc/sub/x=x', 'link']);
});

test('live files: grown ones are cut, shrunk or vanished ones zero-padded, the tar stays whole', async () => {
  const grown = join(root, 'grown');
  const shrunk = join(root, 'shrunk');
  const gone = join(root, 'gone');
  writeFileSync(grown, 'abc');
  writeFileSync(shrunk, 'abcdef');
  writeFileSync(gone, 'zz');
  const stats = [grown, shrunk, gone].map((p) => lstatSync(p));
  writeFileSync(grown, 'abcdefgh');
  writeFileSync(shrunk, 'ab');
  rmSync(gone);
  const changes = (async function* (): AsyncGenerator<Change> {
    for (const [i, abs] of [grown, shrunk, gone].entries()) yield { kind: 'path', rel: ['grown', 'shrunk', 'gone'][i]!, abs, st: stats[i]! };
  })();
  assert.deepEqual(await entries(byteStream(tarChunks(changes, new Map(), { live: true }))), ['grown=abc', 'shrunk=ab\0\0\0\0', 'gone=\0\0']);
});
