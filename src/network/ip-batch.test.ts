// The inner batches' temporary files a killed daemon left are removed by the next one; a live
// process's stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepStaleFiles } from './ip-batch.ts';

test('files of processes that are gone are swept; a live one\'s and other names stay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ip-sweep-'));
  try {
    const gone = spawnSync('true').pid!; // exited by now: its pid names no process
    const files = {
      stale: join(dir, `berth-ip-${gone}-0a1b2c3d4e5f`),
      live: join(dir, `berth-ip-${process.pid}-0a1b2c3d4e5f`),
      other: join(dir, 'berth-ip-notapid'),
    };
    for (const f of Object.values(files)) writeFileSync(f, 'link set dev lo up\n');
    sweepStaleFiles(dir);
    assert.deepEqual(Object.fromEntries(Object.entries(files).map(([k, f]) => [k, existsSync(f)])), { stale: false, live: true, other: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
