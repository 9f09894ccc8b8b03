// The cgroup v1 reader against fixture files (the contents of a real container's cgroup on this
// host, a Debian 12 kernel in hybrid mode) and against this host's own v1 hierarchy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readV1, MEMORY_KEYS_V1 } from './v1.ts';
import { parseBlkio } from './v1.ts';
import { locateCgroup } from './locate.ts';

const MEMORY_STAT = `cache 8192
rss 53248
rss_huge 0
shmem 0
mapped_file 0
dirty 0
writeback 0
workingset_refault_anon 0
swap 0
pgpgin 845
pgpgout 832
pgfault 1156
pgmajfault 0
inactive_anon 4096
active_anon 0
inactive_file 4096
active_file 4096
unevictable 0
hierarchical_memory_limit 9223372036854771712
hierarchical_memsw_limit 9223372036854771712
total_cache 8192
total_rss 53248
total_inactive_file 4096
total_pgfault 1156
`;

function fixture(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cgroup-v1-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('v1: cpuacct, cpu, memory and pids as dockerd reports them', () => {
  const f = fixture({
    'cpuacct/cpuacct.usage': '32210579\n',
    'cpuacct/cpuacct.usage_percpu': '28710185 3500394 \n',
    'cpuacct/cpuacct.stat': 'user 3\nsystem 2\n',
    'cpu/cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 12345\nnr_bursts 0\nburst_time 0\n',
    'memory/memory.stat': MEMORY_STAT,
    'memory/memory.usage_in_bytes': '786432\n',
    'memory/memory.max_usage_in_bytes': '3678208\n',
    'memory/memory.failcnt': '0\n',
    'memory/memory.limit_in_bytes': '9223372036854771712\n',
    'pids/pids.current': '2\n',
    'pids/pids.max': 'max\n',
  });
  try {
    const d = (c: string) => join(f.dir, c);
    const s = readV1({ cpu: d('cpu'), cpuacct: d('cpuacct'), memory: d('memory'), pids: d('pids') });
    assert.equal(s.version, 1);
    assert.deepEqual(s.cpu, {
      totalNs: 32210579n, perCpuNs: [28710185n, 3500394n], kernelNs: 20_000_000n, userNs: 30_000_000n,
      periods: 10n, throttledPeriods: 2n, throttledNs: 12345n,
    });
    assert.equal(s.memory!.usage, 786432n);
    assert.equal(s.memory!.maxUsage, 3678208n);
    assert.equal(s.memory!.limit, 9223372036854771712n, 'the unlimited value as the kernel says it; the daemon caps it');
    assert.deepEqual(Object.keys(s.memory!.stats), [...MEMORY_KEYS_V1]);
    assert.equal(s.memory!.stats.total_inactive_file, 4096n);
    assert.equal(s.memory!.stats.hierarchical_memsw_limit, 9223372036854771712n);
    assert.equal(s.memory!.stats.total_dirty, 0n, 'absent keys read as 0');
    assert.equal('swap' in s.memory!.stats, false, 'keys dockerd does not report are left out');
    assert.deepEqual(s.pids, { current: 2n, limit: 0n }, 'pids.max "max" is 0 (no limit) on v1');
    assert.equal(s.blkio, undefined, 'no blkio directory, no blkio section');
  } finally {
    f.cleanup();
  }
});

test('v1 blkio: the throttle counters when the scheduler lists are absent or empty', () => {
  const throttle = {
    'blkio.throttle.io_service_bytes': '254:0 Read 4096\n254:0 Write 8192\n254:0 Sync 0\n254:0 Async 12288\n254:0 Discard 0\n254:0 Total 12288\nTotal 12288\n',
    'blkio.throttle.io_serviced': '254:0 Read 1\n254:0 Write 2\nTotal 3\n',
  };
  for (const extra of [{}, { 'blkio.io_serviced_recursive': 'Total 0\n', 'blkio.io_service_bytes_recursive': 'Total 0\n' }] as Record<string, string>[]) {
    const f = fixture({ ...throttle, ...extra });
    try {
      const b = readV1({ blkio: f.dir }).blkio!;
      assert.deepEqual(b.serviceBytes!.map((e) => [e.major, e.minor, e.op, e.value]).slice(0, 2), [[254n, 0n, 'Read', 4096n], [254n, 0n, 'Write', 8192n]]);
      assert.equal(b.serviceBytes!.length, 6, 'the "Total N" summary line is not a device');
      assert.equal(b.serviced!.length, 2);
      assert.deepEqual(b.sectors, [], 'the other lists are empty, not missing');
    } finally {
      f.cleanup();
    }
  }
});

test('v1 blkio: CFQ/BFQ recursive lists win when they hold entries', () => {
  const f = fixture({
    'blkio.io_serviced_recursive': '8:0 Read 5\n8:0 Write 6\nTotal 11\n',
    'blkio.io_service_bytes_recursive': '8:0 Read 100\n8:0 Write 200\nTotal 300\n',
    'blkio.sectors_recursive': '8:0 42\n',
    'blkio.throttle.io_service_bytes': '8:0 Read 999\n',
  });
  try {
    const b = readV1({ blkio: f.dir }).blkio!;
    assert.deepEqual(b.serviceBytes!.map((e) => e.value), [100n, 200n]);
    assert.deepEqual(b.sectors, [{ major: 8n, minor: 0n, op: '', value: 42n }]);
  } finally {
    f.cleanup();
  }
  assert.deepEqual(parseBlkio('garbage\n8:0\n\n'), []);
});

test('v1: the host\'s own hierarchy reads (a real kernel\'s files parse)', { skip: locateCgroup(process.pid)?.version !== 1 && 'host kind: this process is in no cgroup v1 hierarchy (a v2-only host)' }, () => {
  const root = '/sys/fs/cgroup';
  const s = readV1({ cpuacct: `${root}/cpuacct`, cpu: `${root}/cpu`, memory: `${root}/memory`, pids: `${root}/pids`, blkio: `${root}/blkio` });
  assert.ok(s.cpu!.totalNs > 0n);
  assert.ok(s.cpu!.perCpuNs!.length > 0);
  assert.ok(s.memory!.usage > 0n);
  assert.ok(s.memory!.stats.total_rss! > 0n);
});
