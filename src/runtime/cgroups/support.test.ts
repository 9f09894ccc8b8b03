// What the limit checks are told about a host, from cgroup trees made in a temporary directory:
// a v1 host like this one (no blkio weight), and a v2 host with some controllers enabled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectSupport, realtimeBudget } from './support.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-cgroup-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('v1: each limit by the file that sets it, the cpuset the root offers', () => {
  const root = tree({
    'memory/memory.limit_in_bytes': '', 'memory/memory.memsw.limit_in_bytes': '', 'memory/memory.soft_limit_in_bytes': '',
    'memory/memory.swappiness': '', 'pids/pids.max': '', 'cpu/cpu.shares': '', 'cpu/cpu.cfs_quota_us': '',
    'cpu/cpu.rt_period_us': '1000000', 'cpu/cpu.rt_runtime_us': '950000', 'cpu/berth/cpu.rt_runtime_us': '0',
    'cpuset/cpuset.cpus': '0-1\n', 'cpuset/cpuset.mems': '0\n', 'blkio/blkio.throttle.read_bps_device': '',
  });
  try {
    const s = detectSupport(root);
    assert.equal(s.cgroupV2, false);
    assert.deepEqual([s.memoryLimit, s.swapLimit, s.memoryReservation, s.memorySwappiness, s.oomKillDisable], [true, true, true, true, false]);
    assert.deepEqual([s.pidsLimit, s.cpuShares, s.cpuCfs, s.cpuRealtime, s.cpuset], [true, true, true, true, true]);
    assert.deepEqual([s.blkioWeight, s.blkioWeightDevice, s.blkioReadBps, s.blkioWriteBps], [false, false, true, false]);
    assert.deepEqual([s.cpus, s.mems], ['0-1', '0']);
    assert.ok(s.numCpu >= 1);
    assert.equal(realtimeBudget('/', root), 950000);
    assert.equal(realtimeBudget('/berth', root), 0);
    assert.equal(realtimeBudget('/not-made-yet', root), 0, 'a cgroup runc will make has no budget');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v2: the controllers enabled at the root; no swappiness, OOM switch or real-time budget', () => {
  const root = tree({ 'cgroup.controllers': 'cpuset cpu io pids\n', 'cpuset.cpus.effective': '0-3\n', 'cpuset.mems.effective': '0\n' });
  try {
    const s = detectSupport(root);
    assert.equal(s.cgroupV2, true);
    assert.deepEqual([s.memoryLimit, s.swapLimit, s.memorySwappiness, s.oomKillDisable, s.cpuRealtime], [false, false, false, false, false]);
    assert.deepEqual([s.cpuShares, s.cpuCfs, s.pidsLimit, s.blkioWeight, s.blkioWriteIOps, s.cpuset], [true, true, true, true, true, true]);
    assert.deepEqual([s.cpus, s.mems], ['0-3', '0']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
