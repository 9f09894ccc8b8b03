// COPY sources in a real tree: leading "/" and "./" dropped, links followed inside the tree
// (one to /etc/passwd finds the tree's own, here none), "../" refused, wildcards matched per
// path as Go's walk meets them, and dockerd 20.10's texts for what is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsView } from '../../image/copy/fs-view.ts';
import { matchSources } from './match.ts';

let dir: string;
let view: FsView;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-match-'));
  mkdirSync(join(dir, 'sub/deep'), { recursive: true });
  writeFileSync(join(dir, 'a.txt'), 'a');
  writeFileSync(join(dir, 'b.txt'), 'b');
  writeFileSync(join(dir, 'sub/c.txt'), 'c');
  writeFileSync(join(dir, 'sub/deep/d.txt'), 'd');
  symlinkSync('/etc/passwd', join(dir, 'passwd'));
  symlinkSync('/sub', join(dir, 'tosub'));
  symlinkSync('../../../../a.txt', join(dir, 'sub/up'));
  view = new FsView(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const plain = { allowWildcards: false };
const globs = { allowWildcards: true };

test('plain sources: files and directories, "/" and "./" dropped, paths cleaned', async () => {
  assert.deepEqual(await matchSources(view, ['a.txt', '/sub', './sub/c.txt', 'sub/nosuch/..', 'a.txt/', '.'], plain), [
    { pattern: 'a.txt', path: '/a.txt', isDir: false },
    { pattern: '/sub', path: '/sub', isDir: true },
    { pattern: './sub/c.txt', path: '/sub/c.txt', isDir: false },
    { pattern: 'sub/nosuch/..', path: '/sub', isDir: true },
    { pattern: 'a.txt/', path: '/a.txt', isDir: false },
    { pattern: '.', path: '/', isDir: true },
  ]);
});

test('links are followed inside the tree: to a directory, up past the root, to a path it lacks', async () => {
  assert.deepEqual(await matchSources(view, ['tosub', 'sub/up'], plain), [
    { pattern: 'tosub', path: '/tosub', isDir: true },
    { pattern: 'sub/up', path: '/sub/up', isDir: false },
  ]);
  await assert.rejects(matchSources(view, ['passwd'], plain), { kind: 'invalid-parameter', message: 'file not found in build context or excluded by .dockerignore: stat passwd: file does not exist' });
});

test('a source outside the tree is forbidden, with the path as dockerd prints it', async () => {
  for (const [p, shown] of [['../x', '../x'], ['sub/../../a.txt', 'sub/../../a.txt'], ['/../a.txt', '../a.txt'], ['./../x', '../x'], ['..', '..']]) {
    await assert.rejects(matchSources(view, [p!], plain), { kind: 'invalid-parameter', message: `forbidden path outside the build context: ${shown} ()` }, p);
  }
});

test('a missing source names the path as given (without its leading "/")', async () => {
  await assert.rejects(matchSources(view, ['a.txt', '/etc/passwd'], plain), { message: 'file not found in build context or excluded by .dockerignore: stat etc/passwd: file does not exist' });
});

test('in an image\'s tree (--from) a missing source is told without the context', async () => {
  await assert.rejects(matchSources(view, ['/nosuch'], { allowWildcards: true, fromImage: true }), { kind: 'invalid-parameter', message: 'stat nosuch: file does not exist' });
});

test('wildcards: matched per path in walk order, a directory too, none crossing "/"', async () => {
  const paths = async (p: string[]) => (await matchSources(view, p, globs)).map((e) => e.path);
  assert.deepEqual(await paths(['*.txt']), ['/a.txt', '/b.txt']);
  assert.deepEqual(await paths(['*/*.txt']), ['/sub/c.txt']);
  assert.deepEqual(await paths(['s?b']), ['/sub']);
  assert.deepEqual(await paths(['[ab].txt', 'sub/deep/*']), ['/a.txt', '/b.txt', '/sub/deep/d.txt']);
  assert.deepEqual(await paths(['sub[/]c.txt']), ['/sub/c.txt']); // a class may match the separator
  // The link itself matches (the walk does not enter it); its target is what is copied.
  assert.deepEqual(await matchSources(view, ['to*'], globs), [{ pattern: 'to*', path: '/tosub', isDir: true }]);
  // One wildcard matching nothing is fine beside a source that is there.
  assert.deepEqual(await paths(['nos*ch', 'a.txt']), ['/a.txt']);
});

test('wildcards are plain characters when not allowed (ADD/COPY --from of a name with *)', async () => {
  await assert.rejects(matchSources(view, ['*.txt'], plain), { message: 'file not found in build context or excluded by .dockerignore: stat *.txt: file does not exist' });
});

test('nothing matched at all: no source files were specified', async () => {
  await assert.rejects(matchSources(view, ['nos*ch', '../*'], globs), { kind: 'invalid-parameter', message: 'no source files were specified' });
});
