import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarString, formatReference, parseReference, withDefaultTag } from './reference.ts';

test('normalisation as docker does it', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['user/app:1.0', 'docker.io/user/app:1.0', 'user/app:1.0'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['127.0.0.1:5000/app:v1', '127.0.0.1:5000/app:v1', '127.0.0.1:5000/app:v1'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['example.com/a/b/c:t', 'example.com/a/b/c:t', 'example.com/a/b/c:t'],
    [`app@sha256:${'a'.repeat(64)}`, `docker.io/library/app@sha256:${'a'.repeat(64)}`, `app@sha256:${'a'.repeat(64)}`],
    [`app:1@sha256:${'b'.repeat(64)}`, `docker.io/library/app:1@sha256:${'b'.repeat(64)}`, `app:1@sha256:${'b'.repeat(64)}`],
  ];
  for (const [input, full, familiar] of cases) {
    const ref = withDefaultTag(parseReference(input));
    assert.equal(formatReference(ref), full, input);
    assert.equal(familiarString(ref), familiar, input);
  }
});

test('invalid references are refused with the reason', () => {
  assert.throws(() => parseReference('Busybox'), /repository name must be lowercase/);
  assert.throws(() => parseReference('busybox:'), /invalid tag/);
  assert.throws(() => parseReference('a b'), /invalid reference format/);
  assert.throws(() => parseReference(''), /at least one component/);
  assert.throws(() => parseReference('app@sha256:short'), /invalid digest/);
  assert.throws(() => parseReference('-app'), /invalid repository name/);
  assert.throws(() => parseReference('app:' + 'x'.repeat(200)), /invalid tag/);
});
