// Go's filepath answers, checked against values Go itself gives (go doc / playground).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, clean, dir, join, preserveTrailingDotOrSeparator, rebaseName, split, splitPathDirEntry } from './go-path.ts';

test('clean, join, base, dir and split as Go has them', () => {
  const cleaned: [string, string][] = [['', '.'], ['/', '/'], ['//a//b/', '/a/b'], ['/../a', '/a'], ['a/../..', '..'], ['../../x/./y/..', '../../x'], ['./', '.'], ['/a/b/.', '/a/b']];
  for (const [input, want] of cleaned) assert.equal(clean(input), want, `clean(${JSON.stringify(input)})`);
  assert.equal(join('/', 'etc/../tmp'), '/tmp');
  assert.equal(join('', ''), '');
  assert.equal(join('/dest', '/abs/link'), '/dest/abs/link');
  assert.deepEqual(['', '/', '/etc/', '/etc/.', 'a'].map(base), ['.', '/', 'etc', '.', 'a']);
  assert.deepEqual(['/etc/passwd', '/etc', 'a', '/'].map(dir), ['/etc', '/', '.', '/']);
  assert.deepEqual(split('/etc/passwd'), ['/etc/', 'passwd']);
  assert.deepEqual(split('/etc/'), ['/etc/', '']);
});

test("docker's trailing '/' and '/.' survive cleaning", () => {
  assert.equal(preserveTrailingDotOrSeparator('/etc', '/etc/'), '/etc/');
  assert.equal(preserveTrailingDotOrSeparator('/etc', '/etc/.'), '/etc/.');
  assert.equal(preserveTrailingDotOrSeparator('/', '/.'), '/.');
  assert.deepEqual(splitPathDirEntry('/etc/.'), ['/etc', '.']);
  assert.deepEqual(splitPathDirEntry('/etc/'), ['/', 'etc']);
  assert.deepEqual(splitPathDirEntry('/'), ['/', '/']);
  assert.deepEqual(rebaseName('/tmp/link', '/etc'), ['/etc', 'link']);
  assert.deepEqual(rebaseName('/tmp/link/.', '/etc'), ['/etc/.', '']);
  assert.deepEqual(rebaseName('/tmp/etc/', '/etc'), ['/etc/', '']);
});
