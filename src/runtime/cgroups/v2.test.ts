// The cgroup v2 reader against fixture files. This host is hybrid (v1 controllers, an empty v2
// mount), so no real v2 container cgroup exists here: the fixtures follow the kernel's
// cgroup-v2 documentation and a Linux 6.1 v2 host's files. The cpu.stat of the hybrid unified
// hierarchy is real v2 format, and is read too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readV2, MEMORY_KEYS_V2, parseIoStat } from './v2.ts';
import { U64_MAX } from './types.ts';

const MEMORY_STAT = `anon 221184
file 1282048
kernel 376832
kernel_stack 32768
pagetables 36864
sock 0
shmem 0
file_mapped 860160
file_dirty 4096
file_writeback 0
anon_thp 0
inactive_anon 212992
active_anon 8192
inactive_file 970752
active_file 311296
unevictable 0
slab_reclaimable 129088
slab_unreclaimable 88896
slab 217984
workingset_refault_anon 0
workingset_refault_file 3
workingset_activate_anon 0
workingset_activate_file 1
workingset_nodereclaim 0
pgfault 1905
pgmajfault 11
pgrefill 0
pgscan 0
pgsteal 0
pgactivate 76
pgdeactivate 0
pglazyfree 0
pglazyfreed 0
thp_fault_alloc 0
thp_collapse_alloc 0
`;

function fixture(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cgroup-v2-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('v2: cpu.stat (µs → ns), memory, pids and io.stat as dockerd reports them', () => {
  const f = fixture({
    'cpu.stat': 'usage_usec 52417\nuser_usec 31203\nsystem_usec 21214\nnr_periods 4\nnr_throttled 1\nthrottled_usec 900\nnr_bursts 0\nburst_usec 0\n',
    'memory.stat': MEMORY_STAT,
    'memory.current': '1839104\n',
    'memory.max': '268435456\n',
    'memory.events': 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\noom_group_kill 0\n',
    'pids.current': '3\n',
    'pids.max': '100\n',
    'io.stat': '254:0 rbytes=1298432 wbytes=4096 rios=40 wios=1 dbytes=0 dios=0\n8:16 rbytes=0 wbytes=512 rios=0 wios=1 dbytes=0 dios=0\n',
  });
  try {
    const s = readV2(f.dir);
    assert.equal(s.version, 2);
    assert.deepEqual(s.cpu, { totalNs: 52_417_000n, kernelNs: 21_214_000n, userNs: 31_203_000n, periods: 4n, throttledPeriods: 1n, throttledNs: 900_000n });
    assert.equal(s.cpu!.perCpuNs, undefined, 'v2 has no per-CPU usage');
    assert.equal(s.memory!.usage, 1839104n);
    assert.equal(s.memory!.limit, 268435456n);
    assert.equal(s.memory!.failcnt, 2n, 'failcnt is the oom count of memory.events');
    assert.equal(s.memory!.maxUsage, undefined);
    assert.deepEqual(Object.keys(s.memory!.stats), [...MEMORY_KEYS_V2]);
    assert.equal(s.memory!.stats.inactive_file, 970752n);
    assert.equal(s.memory!.stats.workingset_refault, 0n, 'newer kernels split it into _anon/_file; dockerd reads the old key');
    assert.equal('kernel' in s.memory!.stats, false);
    assert.deepEqual(s.pids, { current: 3n, limit: 100n });
    assert.deepEqual(s.blkio!.serviceBytes!.map((e) => `${e.major}:${e.minor} ${e.op} ${e.value}`), [
      '254:0 read 1298432', '254:0 write 4096', '8:16 read 0', '8:16 write 512',
    ]);
  } finally {
    f.cleanup();
  }
});

test('v2: "max" limits are 2^64-1; missing controller files read as zeros', () => {
  const f = fixture({ 'memory.stat': 'anon 4096\n', 'memory.current': '8192\n', 'memory.max': 'max\n', 'pids.current': '1\n', 'pids.max': 'max\n' });
  try {
    const s = readV2(f.dir);
    assert.equal(s.memory!.limit, U64_MAX);
    assert.equal(s.pids!.limit, U64_MAX);
    assert.equal(s.memory!.failcnt, undefined, 'no memory.events, no failcnt');
    assert.deepEqual(s.cpu, { totalNs: 0n, kernelNs: 0n, userNs: 0n, periods: 0n, throttledPeriods: 0n, throttledNs: 0n });
    assert.deepEqual(s.blkio, {}, 'no io.stat entries: dockerd sends null');
  } finally {
    f.cleanup();
  }
  const empty = fixture({});
  try {
    const s = readV2(empty.dir);
    assert.deepEqual([s.memory!.usage, s.memory!.limit, s.pids!.current], [0n, 0n, 0n]);
  } finally {
    empty.cleanup();
  }
});

test('v2 io.stat: devices without counters and junk lines', () => {
  assert.deepEqual(parseIoStat('\n254:0\nnot-a-device rbytes=1\n'), []);
  assert.deepEqual(parseIoStat('7:0 rbytes=5 dbytes=0').map((e) => e.value), [5n, 0n]);
});

test('v2: the hybrid host\'s unified cpu.stat reads', { skip: !existsSync('/sys/fs/cgroup/unified/cpu.stat') && 'host kind: not a hybrid host (no cgroup2 at /sys/fs/cgroup/unified)' }, () => {
  const s = readV2('/sys/fs/cgroup/unified');
  assert.ok(s.cpu!.totalNs > 0n);
  assert.equal(s.cpu!.totalNs % 1000n, 0n);
});
