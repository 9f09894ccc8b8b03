// Ulimits and the host's RLIMIT_NOFILE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nofileHardLimit } from './host.ts';
import { buildRlimits, specJson } from './limits.ts';

test('ulimits merge with daemon defaults by name', () => {
  assert.deepEqual(buildRlimits([], [], 20000), []);
  assert.deepEqual(
    buildRlimits([{ Name: 'nofile', Soft: 1024, Hard: 2048 }], [{ Name: 'nofile', Soft: 1, Hard: 1 }, { Name: 'nproc', Soft: 10, Hard: 20 }], 20000),
    [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }, { type: 'RLIMIT_NPROC', soft: 10, hard: 20 }],
  );
  assert.throws(() => buildRlimits([{ Name: 'bogus', Soft: 1, Hard: 1 }], [], 20000), /invalid ulimit type: bogus/);
  assert.throws(() => buildRlimits([{ Name: 'core', Soft: 5, Hard: 1 }], [], 20000), /soft limit must be less than or equal to hard limit: 5 > 1/);
});

test('nofile above the host hard limit is refused, naming the limit', () => {
  assert.deepEqual(buildRlimits([{ Name: 'nofile', Soft: 20000, Hard: 20000 }], [], 20000), [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  assert.throws(() => buildRlimits([{ Name: 'nofile', Soft: 1024, Hard: 1048576 }], [], 20000), (e: Error & { kind?: string }) =>
    e.kind === 'invalid-parameter' && /nofile hard limit 1048576 exceeds the host's RLIMIT_NOFILE hard limit \(20000\)/.test(e.message));
  assert.throws(() => buildRlimits([], [{ Name: 'nofile', Soft: -1, Hard: -1 }], 20000), /unlimited exceeds/);
});

test('unlimited is written as RLIM_INFINITY; the host limit is parsed from /proc/self/limits', () => {
  const json = specJson({ process: { rlimits: buildRlimits([{ Name: 'memlock', Soft: -1, Hard: -1 }], [], 20000) } });
  assert.match(json, /"soft": 18446744073709551615,\s+"hard": 18446744073709551615/);
  const limits = 'Limit                     Soft Limit           Hard Limit           Units     \n' +
    'Max open files            1024                 20000                files     \n';
  assert.equal(nofileHardLimit(limits), 20000);
  assert.equal(nofileHardLimit('Max open files            unlimited            unlimited            files\n'), Number.MAX_SAFE_INTEGER);
});
