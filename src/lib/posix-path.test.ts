// posix-path gives Node's answer for every input: its shortcut is checked against node:path over
// paths built from the segments that matter (empty, `.`, `..`, dot-names, slashes at either end).
import assert from 'node:assert/strict';
import * as nodePath from 'node:path';
import { test } from 'node:test';
import posixDefault, { join, normalize, resolve, dirname, basename, sep } from './posix-path.ts';

const SEGMENTS = ['', '.', '..', '...', '.a', 'a.', 'a', 'bc', '/', '//', '/a', 'a/', '/a/', 'a//b', 'a/./b', 'a/../b', './a', '../a', 'a/.', 'a/..', '/..', '/.', 'é/ü'];

function outcome(f: () => string): string {
  try {
    return `ok ${f()}`;
  } catch (err) {
    return `throws ${(err as NodeJS.ErrnoException).code} ${(err as Error).message}`;
  }
}

test('join gives node:path.join for every one, two and three segments', () => {
  assert.equal(join(), nodePath.join());
  for (const a of SEGMENTS) {
    assert.equal(join(a), nodePath.join(a), JSON.stringify([a]));
    for (const b of SEGMENTS) {
      assert.equal(join(a, b), nodePath.join(a, b), JSON.stringify([a, b]));
      for (const c of SEGMENTS) assert.equal(join(a, b, c), nodePath.join(a, b, c), JSON.stringify([a, b, c]));
    }
  }
});

test('resolve gives node:path.resolve, the working directory included', () => {
  assert.equal(resolve(), nodePath.resolve());
  for (const a of SEGMENTS) {
    assert.equal(resolve(a), nodePath.resolve(a), JSON.stringify([a]));
    for (const b of SEGMENTS) assert.equal(resolve(a, b), nodePath.resolve(a, b), JSON.stringify([a, b]));
  }
});

test('normalize gives node:path.normalize', () => {
  for (const a of SEGMENTS) for (const b of SEGMENTS) assert.equal(normalize(`${a}${b}`), nodePath.normalize(`${a}${b}`), JSON.stringify(`${a}${b}`));
});

test('a wrong argument gets node:path\'s own error', () => {
  const bad = [undefined, null, 1, {}] as unknown as string[];
  for (const x of bad) {
    assert.equal(outcome(() => join('/a', x)), outcome(() => nodePath.join('/a', x)));
    assert.equal(outcome(() => join(x)), outcome(() => nodePath.join(x)));
    assert.equal(outcome(() => resolve(x)), outcome(() => nodePath.resolve(x)));
    assert.equal(outcome(() => normalize(x)), outcome(() => nodePath.normalize(x)));
    assert.match(outcome(() => join('/a', x)), /^throws ERR_INVALID_ARG_TYPE/);
  }
  // resolve reads arguments from the right and stops at the first absolute one, as Node does.
  assert.equal(resolve(1 as unknown as string, '/a'), '/a');
  assert.equal(outcome(() => resolve(1 as unknown as string, '/a')), outcome(() => nodePath.resolve(1 as unknown as string, '/a')));
});

test('the other names and the default export are node:path\'s', () => {
  assert.equal(dirname, nodePath.dirname);
  assert.equal(basename, nodePath.basename);
  assert.equal(sep, '/');
  assert.equal(posixDefault.join('/a', 'b'), '/a/b');
  assert.equal(posixDefault.relative, nodePath.relative);
  assert.equal(posixDefault.posix, nodePath.posix);
});
