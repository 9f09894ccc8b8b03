// The containers of a build cut off by the daemon's end: noted while it runs, removed at the next
// start; one that is gone already (its removal throws at once) does not stop the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../lib/logger.ts';
import { notFound } from '../../api/types/errors.ts';
import { noteStep, removeOrphanSteps } from './orphan-steps.ts';

test('the noted containers of every cut-off build are removed; a missing one is passed over', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'berth-orphan-steps-'));
  try {
    for (const [dir, ids] of [['steps-a', ['c1', 'gone']], ['steps-b', ['c2']]] as const) {
      mkdirSync(join(scratch, dir));
      for (const id of ids) noteStep(join(scratch, dir), id);
    }
    mkdirSync(join(scratch, 'context-x')); // a context's files: not steps
    const removed: string[] = [];
    const remove = (id: string): Promise<void> => {
      if (id === 'gone') throw notFound(`No such container: ${id}`); // as containers.resolve does
      removed.push(id);
      return Promise.resolve();
    };
    const found = await removeOrphanSteps(scratch, remove, createLogger('error', () => undefined));
    assert.deepEqual(found.sort(), ['c1', 'c2', 'gone']);
    assert.deepEqual(removed.sort(), ['c1', 'c2']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('no build directory: nothing to do', async () => {
  assert.deepEqual(await removeOrphanSteps(join(tmpdir(), 'berth-no-such-dir-x'), () => Promise.reject(new Error('not called')), createLogger('error', () => undefined)), []);
});
