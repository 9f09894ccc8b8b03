// What a rootless berthd drops from a container's limits, and what it says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropUnenforceable } from './rootless-drops.ts';
import { rootlessLimits, rootlessInfoWarnings } from '../system/rootless-limits.ts';

const V1 = { version: '1' as const, hybrid: false, controllers: ['memory', 'cpu', 'pids'] };

describe('rootless limits', () => {
  it('a rootful daemon (no marker) keeps every limit', () => {
    assert.equal(rootlessLimits(false, V1), undefined);
    const hc = { Memory: 64 << 20, PidsLimit: 10 };
    assert.deepEqual(dropUnenforceable(hc, undefined), []);
    assert.deepEqual(hc, { Memory: 64 << 20, PidsLimit: 10 });
  });

  it('rootless on cgroup v1: every limit asked for is dropped, named by its flag, in one warning', () => {
    const rl = rootlessLimits(true, V1);
    assert.ok(rl?.problem);
    const hc: Record<string, unknown> = { Memory: 64 << 20, MemorySwap: 128 << 20, NanoCpus: 5e8, PidsLimit: 10, CpusetCpus: '0', BlkioWeight: 0, OomKillDisable: false, CpuShares: 0 };
    const warnings = dropUnenforceable(hc, rl);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /cgroup v1 host/);
    assert.match(warnings[0], /: --memory, --pids-limit, --cpus, --cpuset-cpus discarded, the container runs without these limits\.$/);
    assert.deepEqual(hc, { Memory: 0, MemorySwap: -1, NanoCpus: 0, PidsLimit: null, CpusetCpus: '', BlkioWeight: 0, OomKillDisable: false, CpuShares: 0 });
  });

  it('nothing asked, nothing said', () => {
    assert.deepEqual(dropUnenforceable({ Memory: 0, PidsLimit: null, CpusetCpus: '' }, rootlessLimits(true, V1)), []);
  });

  it('cgroup v2 with some controllers delegated: only the others are dropped', () => {
    const hc: Record<string, unknown> = { Memory: 64 << 20, PidsLimit: 10, BlkioWeight: 300 };
    const warnings = dropUnenforceable(hc, { controllers: ['memory', 'pids', 'cpu'] });
    assert.deepEqual(warnings, ['the io cgroup controller is not delegated to this rootless berthd: --blkio-weight discarded, the container runs without this limit.']);
    assert.deepEqual(hc, { Memory: 64 << 20, PidsLimit: 10, BlkioWeight: 0 });
  });

  it("info's warning says which limits and how to get them", () => {
    const [w] = rootlessInfoWarnings(rootlessLimits(true, V1));
    assert.match(w, /^WARNING: berthd runs rootless on a cgroup v1 host, where an unprivileged user cannot be given cgroups: memory, CPU, cpuset, pids and block I\/O limits cannot be enforced\./);
    assert.match(w, /boot the host with cgroup v2/);
    assert.deepEqual(rootlessInfoWarnings(undefined), []);
    assert.deepEqual(rootlessInfoWarnings({ controllers: ['memory', 'cpu', 'cpuset', 'pids', 'io'] }), []);
    assert.match(rootlessInfoWarnings({ controllers: ['memory', 'pids'] })[0], /not delegated to it: cpu, cpuset, io\./);
  });
});
