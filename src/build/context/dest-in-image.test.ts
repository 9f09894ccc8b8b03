// Where a COPY writes, as the parent image has it: dest a directory, something else, or
// missing, and the deepest directory on its path, links followed inside the image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsView } from '../../image/copy/fs-view.ts';
import { destInImage } from './dest-in-image.ts';

test('what the image has on dest\'s path, links followed inside it', async () => {
  const image = mkdtempSync(join(tmpdir(), 'berth-dest-'));
  try {
    mkdirSync(join(image, 'usr/lib'), { recursive: true });
    mkdirSync(join(image, 'run'));
    symlinkSync('../run', join(image, 'usr/run'));
    symlinkSync('/', join(image, 'usr/top'));
    writeFileSync(join(image, 'usr/file'), '');
    const v = new FsView(image);
    assert.deepEqual(await destInImage(v, '/usr/lib'), { dest: 'dir', deepestDir: '/usr/lib' });
    assert.deepEqual(await destInImage(v, '/usr/lib/app/'), { dest: 'none', deepestDir: '/usr/lib' });
    assert.deepEqual(await destInImage(v, '/usr/run/x'), { dest: 'none', deepestDir: '/usr/run' });
    assert.deepEqual(await destInImage(v, '/usr/top/usr'), { dest: 'dir', deepestDir: '/usr/top/usr' });
    assert.deepEqual(await destInImage(v, '/usr/file'), { dest: 'other', deepestDir: '/usr' });
    assert.deepEqual(await destInImage(v, '/usr/file/x'), { dest: 'none', deepestDir: '/usr' });
    assert.deepEqual(await destInImage(v, '/'), { dest: 'dir', deepestDir: '/' });
  } finally {
    rmSync(image, { recursive: true, force: true });
  }
});

