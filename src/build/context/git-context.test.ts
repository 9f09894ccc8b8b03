// Which remote URLs are git repositories (docker's urlutil rules) and how "#ref:subdir" reads;
// no network: fetching is tested against loopback servers in remote.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGitUrl, parseGitUrl } from './git-context.ts';

test('git URLs as docker tells them', () => {
  for (const url of ['git://example.invalid/repo', 'git@example.invalid:me/repo.git', 'github.com/me/repo', 'https://example.invalid/repo.git', 'http://example.invalid/repo.git#main:sub']) assert.equal(isGitUrl(url), true, url);
  for (const url of ['https://example.invalid/repo', 'https://example.invalid/ctx.tar.gz', 'https://example.invalid/repo.git/file', 'ftp://example.invalid/repo.git']) assert.equal(isGitUrl(url), false, url);
});

test('#ref:subdir; github.com/ gets https://; the subdirectory cleaned to stay inside', () => {
  assert.deepEqual(parseGitUrl('github.com/me/repo'), { url: 'https://github.com/me/repo', ref: '', subdir: '/' });
  assert.deepEqual(parseGitUrl('https://h.invalid/r.git#v1.2'), { url: 'https://h.invalid/r.git', ref: 'v1.2', subdir: '/' });
  assert.deepEqual(parseGitUrl('https://h.invalid/r.git#:docs'), { url: 'https://h.invalid/r.git', ref: '', subdir: '/docs' });
  assert.deepEqual(parseGitUrl('git://h.invalid/r#main:a/../../b'), { url: 'git://h.invalid/r', ref: 'main', subdir: '/b' });
  assert.throws(() => parseGitUrl('git://h.invalid/r#--upload-pack=x'), { kind: 'invalid-parameter' });
});
