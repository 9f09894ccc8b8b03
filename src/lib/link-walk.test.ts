// The walk itself, driven by a table of links: absolute targets restart at the root, ".." stops
// there, the last component is followed only when asked, loops end in an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkWalk } from './link-walk.ts';

function resolve(links: Record<string, string>, path: string, followLast = true): { result: string; asked: string[] } {
  const asked: string[] = [];
  const walk = linkWalk(path, followLast);
  for (let step = walk.next(); ; ) {
    if (step.done) return { result: step.value, asked };
    asked.push(step.value);
    step = walk.next(links[step.value] ?? null);
  }
}

test('links resolve inside the root, never above it', () => {
  const links = { '/etc/passwd': '/etc/shadow', '/up': '../../../../host', '/abs': '/', '/rel': 'a/b', '/a/b': '../c' };
  assert.equal(resolve(links, '/etc/passwd').result, '/etc/shadow');
  assert.equal(resolve(links, '/up/etc').result, '/host/etc');
  assert.equal(resolve(links, '/abs/../../x').result, '/x');
  assert.equal(resolve(links, '/rel').result, '/c');
  assert.equal(resolve(links, '//./missing/../new').result, '/new');
  assert.equal(resolve({}, '/').result, '/');
});

test('the last component is asked about only when it is to be followed', () => {
  const links = { '/dir/link': '/elsewhere' };
  assert.deepEqual(resolve(links, '/dir/link', false), { result: '/dir/link', asked: ['/dir'] });
  assert.deepEqual(resolve(links, '/dir/link', true), { result: '/elsewhere', asked: ['/dir', '/dir/link', '/elsewhere'] });
});

test('a loop of links is an error', () => {
  assert.throws(() => resolve({ '/a': '/b', '/b': '/a' }, '/a/x'), /too many links resolving \/a\/x/);
});
