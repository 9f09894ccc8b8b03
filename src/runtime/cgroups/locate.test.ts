import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateCgroup, locateFrom, parseCgroupMounts } from './locate.ts';
import { parseProcStat, parseMemTotal } from './host.ts';
import { cgroupPids } from './index.ts';

const HYBRID_MOUNTS = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

test('locate: hybrid host uses the v1 controllers', () => {
  const proc = '8:pids:/berth/abc\n4:memory:/berth/abc\n2:cpuacct:/berth/abc\n1:cpu:/berth/abc\n9:name=systemd:/berth/abc\n0::/berth/abc\n';
  assert.deepEqual(locateFrom(proc, HYBRID_MOUNTS), {
    version: 1,
    dirs: {
      pids: '/sys/fs/cgroup/pids/berth/abc', memory: '/sys/fs/cgroup/memory/berth/abc', cpuacct: '/sys/fs/cgroup/cpuacct/berth/abc',
      cpu: '/sys/fs/cgroup/cpu/berth/abc', 'name=systemd': '/sys/fs/cgroup/systemd/berth/abc',
    },
  });
});

test('locate: joined controllers (cpu,cpuacct), v2-only hosts, a mount of a sub-tree, escapes', () => {
  const joined = '30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n';
  assert.deepEqual(locateFrom('3:cpu,cpuacct:/x\n', joined), { version: 1, dirs: { cpu: '/sys/fs/cgroup/cpu,cpuacct/x', cpuacct: '/sys/fs/cgroup/cpu,cpuacct/x' } });
  const v2 = '30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n';
  assert.deepEqual(locateFrom('0::/system.slice/docker-1.scope\n', v2), { version: 2, dir: '/sys/fs/cgroup/system.slice/docker-1.scope' });
  // Inside a container whose cgroup namespace shows only its own sub-tree mounted.
  const sub = '30 23 0:26 /berth/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n';
  assert.deepEqual(locateFrom('0::/berth/abc/child\n', sub), { version: 2, dir: '/sys/fs/cgroup/child' });
  assert.equal(locateFrom('0::/elsewhere\n', sub), undefined);
  assert.equal(parseCgroupMounts('1 0 0:1 / /a\\040b rw - cgroup2 none rw\n')[0]!.mountPoint, '/a b');
  assert.equal(locateFrom('0::/x\n', 'no cgroup mounts here\n'), undefined);
});

test('locate: this process, and a pid that does not exist', () => {
  const own = locateCgroup(process.pid);
  assert.ok(own, 'berth runs on a host with cgroups');
  assert.equal(locateCgroup(0), undefined);
  assert.equal(locateCgroup(2 ** 22 + 1), undefined);
});

test('/proc/stat: the cpu line in ns and the online CPUs; /proc/meminfo total', () => {
  const stat = 'cpu  15885 0 12199 167565 1251 0 148 38 0 0\ncpu0 7417 0 5726 85093 270 0 24 15 0 0\ncpu1 8468 0 6473 82471 981 0 123 22 0 0\nintr 1 2 3\ncpu9 junk\n';
  assert.deepEqual(parseProcStat(stat), { systemNs: (15885n + 12199n + 167565n + 1251n + 148n) * 10_000_000n, onlineCpus: 2 });
  assert.equal(parseMemTotal('MemTotal:       24684096 kB\nMemFree: 1 kB\n'), 24684096n * 1024n);
});

test('cgroupPids: cgroup.procs of the cgroup and the ones below it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgroup-pids-'));
  try {
    mkdirSync(join(dir, 'child'));
    writeFileSync(join(dir, 'cgroup.procs'), '10\n11\n');
    writeFileSync(join(dir, 'child', 'cgroup.procs'), '12\n');
    assert.deepEqual(cgroupPids({ version: 2, dir }).sort(), [10, 11, 12]);
    assert.deepEqual(cgroupPids({ version: 1, dirs: { memory: dir } }).sort(), [10, 11, 12]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
