// The cache key's content part: the same files give the same checksum; a changed byte, mode,
// owner, link target or name gives another; a touched mtime does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsView } from '../../image/copy/fs-view.ts';
import { sourcesChecksum } from './checksum.ts';
import { matchSources } from './match.ts';

let dir: string;
let view: FsView;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-checksum-'));
  mkdirSync(join(dir, 'src/lib'), { recursive: true });
  writeFileSync(join(dir, 'src/main.js'), 'main');
  writeFileSync(join(dir, 'src/lib/util.js'), 'util');
  symlinkSync('util.js', join(dir, 'src/lib/link'));
  writeFileSync(join(dir, 'other.txt'), 'other');
  view = new FsView(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sum = async (sources = ['src']) => sourcesChecksum(view, await matchSources(view, sources, { allowWildcards: true }));

test('the same files give the same checksum; a touch alone changes nothing', async () => {
  const first = await sum();
  assert.match(first, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await sum(), first);
  utimesSync(join(dir, 'src/main.js'), 12345, 12345);
  assert.equal(await sum(), first);
});

test('content, mode, owner, link target and names each change it', async () => {
  const seen = new Set([await sum()]);
  const changed = async (what: string, change: () => void) => {
    change();
    const s = await sum();
    assert.ok(!seen.has(s), `${what} did not change the checksum`);
    seen.add(s);
  };
  // Same size: the digest remembered for the old content must not be reused.
  await changed('content', () => writeFileSync(join(dir, 'src/main.js'), 'MAIN'));
  await changed('mode', () => chmodSync(join(dir, 'src/main.js'), 0o755));
  await changed('owner', () => chownSync(join(dir, 'src/main.js'), 1000, 1000));
  await changed('link target', () => (unlinkSync(join(dir, 'src/lib/link')), symlinkSync('../main.js', join(dir, 'src/lib/link'))));
  await changed('a name', () => renameSync(join(dir, 'src/lib/util.js'), join(dir, 'src/lib/util2.js')));
  await changed('a new file', () => writeFileSync(join(dir, 'src/new'), ''));
});

test('which sources, and in which order, count too', async () => {
  assert.notEqual(await sum(['src', 'other.txt']), await sum(['other.txt', 'src']));
  assert.notEqual(await sum(['other.txt']), await sum(['src']));
});
