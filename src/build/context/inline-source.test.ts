// A heredoc's content as a COPY source: a file of its own, 0644, a fixed mtime, so the same
// heredoc gives the same tar and checksum every build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyTar } from './copy-tar.ts';
import { inlineSource } from './inline-source.ts';
import { readEntries } from './tar-fixture.ts';

let scratch: string;
before(() => (scratch = mkdtempSync(join(tmpdir(), 'berth-inline-'))));
after(() => {
  const left = readdirSync(scratch);
  rmSync(scratch, { recursive: true, force: true });
  assert.deepEqual(left, []);
});

test('an inline file copies like a context file; the same content gives the same checksum', async () => {
  const one = await inlineSource('EOF', 'hello\n', { scratchDir: scratch });
  const same = await inlineSource('EOF', 'hello\n', { scratchDir: scratch });
  const other = await inlineSource('EOF', 'bye\n', { scratchDir: scratch });
  try {
    assert.equal(one.checksum, same.checksum);
    assert.notEqual(one.checksum, other.checksum);
    const entries = await readEntries(copyTar(one.root, [one.entry], { dest: '/etc/greeting', destIsDir: false, extractArchives: false, keepOwners: false })());
    assert.deepEqual(entries.map((e) => [e.header.name, e.header.mode & 0o777, e.header.uid, e.header.mtime, e.body]), [['etc/greeting', 0o644, 0, 0, 'hello\n']]);
  } finally {
    await Promise.all([one, same, other].map((s) => s.dispose()));
  }
});

test('a name that is not one file name is refused', async () => {
  for (const name of ['', '.', '..', 'a/b']) await assert.rejects(inlineSource(name, 'x', { scratchDir: scratch }), { kind: 'invalid-parameter' });
});
