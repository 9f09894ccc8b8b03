// The watchdog against a stand-in conmon (its exit directory and liveness answer): a run whose
// monitor is dead and wrote no exit file gets one saying 137, which the exit path then reads;
// a monitor alive, or an exit file there already, is left alone. (test-faults kills a real
// conmon: faults/runtime-faults.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conmon } from '../../runtime/monitor/conmon.ts';
import { until } from '../../testing/until.ts';
import { MonitorWatchdog } from './monitor-watchdog.ts';

function setUp(alive: Set<string>) {
  const exitDir = mkdtempSync(join(tmpdir(), 'berth-watchdog-'));
  const conmon = { exitDir, isAlive: (_pid: number, id: string) => Promise.resolve(alive.has(id)) } as unknown as Conmon;
  return { exitDir, dog: new MonitorWatchdog({ conmon, conmonPid: () => 4242 }) };
}

test('a dead monitor without an exit file: the file conmon would have written, 137', async () => {
  const alive = new Set(['live']);
  const { exitDir, dog } = setUp(alive);
  try {
    writeFileSync(join(exitDir, 'ended'), '0'); // ended cleanly, its exit not read yet
    for (const id of ['dead', 'live', 'ended']) dog.watch(id);
    await until('the dead run has an exit file', () => existsSync(join(exitDir, 'dead')), { timeoutMs: 15_000, stepMs: 100 });
    assert.equal(readFileSync(join(exitDir, 'dead'), 'utf8'), '137');
    assert.equal(readFileSync(join(exitDir, 'ended'), 'utf8'), '0', 'an exit conmon wrote is never replaced');
    assert.equal(existsSync(join(exitDir, 'live')), false, 'a live monitor is left alone');
  } finally {
    for (const id of ['dead', 'live', 'ended']) dog.forget(id);
    rmSync(exitDir, { recursive: true, force: true });
  }
});
