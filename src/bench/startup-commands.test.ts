import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleRounds, timeOnce } from './startup-commands.ts';
import { existsSync } from 'node:fs';

const env = process.env;

test('a run gives its wall time and the CPU time of the process it ran (without python3: wall only)', () => {
  // A busy single-threaded loop: its CPU time is above zero and cannot exceed its wall time.
  const t = timeOnce({ name: 'loop', argv: ['sh', '-c', 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'], env });
  assert.ok(t.wallMs > 0);
  if (!existsSync('/usr/bin/python3')) return assert.equal(t.cpuMs, undefined);
  assert.ok(t.cpuMs !== undefined && t.cpuMs > 0, `cpu ${t.cpuMs}`);
  assert.ok(t.cpuMs! <= t.wallMs + 1, `cpu ${t.cpuMs} within wall ${t.wallMs}`);
});

test('a failing program is an error with its exit code and error line, and is not run again', () => {
  assert.throws(() => timeOnce({ name: 'f', argv: ['sh', '-c', 'echo "Error: no daemon" >&2; exit 3'], env }), /exited with 3: Error: no daemon/);
  let runs = 0;
  const got = sampleRounds([{ name: 'ok', argv: ['true'], env }, { name: 'bad', argv: ['false'], env }], 3, 1, () => runs++ > 100);
  assert.ok(got.get('bad') instanceof Error);
  const ok = got.get('ok');
  assert.ok(!(ok instanceof Error) && ok!.wallMs.length === 3, 'the warm-up round is not kept');
});
