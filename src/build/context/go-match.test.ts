// Go's filepath.Match, case by case as Go documents and tests it: "*" and "?" stop at "/",
// classes (negated, ranges, escapes) may match "/", malformed patterns match nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goMatch, hasWildcards } from './go-match.ts';

const CASES: [pattern: string, name: string, match: boolean][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['a[^x]b', 'a/b', true], // a class is not stopped by the separator
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', false], // malformed
  ['[-]', '-', false],
  ['[x-]', 'x', false],
  ['[-x]', 'x', false],
  ['\\', 'a', false],
  ['[a-b-c]', 'a', false],
  ['[', 'a', false],
  ['[^', 'a', false],
  ['[^bc', 'a', false],
  ['a[', 'a', false],
  ['*x', 'xxx', true],
  ['*.txt', 'a.txt', true],
  ['*.txt', '.txt', true],
  ['*.txt', 'sub/a.txt', false],
  ['sub/*.txt', 'sub/a.txt', true],
  ['a.(b)+', 'a.(b)+', true], // regex characters are plain characters
];

test('filepath.Match: each case as Go answers it', () => {
  for (const [pattern, name, want] of CASES) assert.equal(goMatch(pattern, name), want, `Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`);
});

test('wildcards are *, ? and [ unless escaped by a backslash', () => {
  assert.equal(hasWildcards('a*'), true);
  assert.equal(hasWildcards('a?'), true);
  assert.equal(hasWildcards('[ab]'), true);
  assert.equal(hasWildcards('a\\*b'), false);
  assert.equal(hasWildcards('plain/file.txt'), false);
});
