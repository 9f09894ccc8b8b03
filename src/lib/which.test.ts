import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './which.ts';

test('which takes the first PATH entry holding an executable file of that name, skipping what is not one', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'berth-which-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [missing, plain, dir, exec, later] = ['missing', 'plain', 'dir', 'exec', 'later'].map((d) => join(root, d));
  for (const d of [plain, dir, exec, later]) mkdirSync(d!);
  writeFileSync(join(plain!, 'tool'), 'not executable');
  mkdirSync(join(dir!, 'tool'));
  const notADir = join(root, 'a-file');
  writeFileSync(notADir, '');
  for (const d of [exec, later]) {
    writeFileSync(join(d!, 'tool'), '#!/bin/sh\n');
    chmodSync(join(d!, 'tool'), 0o755);
  }
  chmodSync(join(plain!, 'tool'), 0o644);
  // Not executable only for a user other than root: root may run any file with an x bit.
  const path = [missing, notADir, plain, dir, exec, later].join(':');
  assert.equal(which('tool', path), join(exec!, 'tool'));
  assert.equal(which('absent-tool', path), 'absent-tool');
  assert.equal(which('/bin/sh', path), '/bin/sh');
});
