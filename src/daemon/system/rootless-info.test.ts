// info and create of a rootless berthd on this cgroup v1 host, through the real docker CLI.
// PROVISIONAL: a rootful berthd with the rootless marker forced (system/rootless-mode.ts) stands
// in for one started by 15a's launcher; what it reports is decided by the marker and the host's
// cgroups alone, so the answers are the same. src/rootless/*.test.ts repeat them against a
// berthd in its user namespace once that runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { requires } from '../../testing/requires.ts';

const CGROUP2_MAGIC = 0x63677270;
const v1 = statfsSync('/sys/fs/cgroup').type !== CGROUP2_MAGIC;
const skip = requires('docker') || (!v1 && 'this host has cgroup v2: the v1 answers are not asked of it');
const LIMIT_FILE = '/sys/fs/cgroup/memory/memory.limit_in_bytes';
const SIXTY_FOUR_MB = String(64 * 1024 * 1024);

describe('a rootless berthd on cgroup v1', { skip }, () => {
  const rootless = useBusyboxDaemon({ skip, harness: { env: { BERTH_ROOTLESS: '1' } } });
  const rootful = useBusyboxDaemon({ skip });

  it('info: SecurityOptions name=rootless, cgroup driver none, no limit support, a warning that says which limits', async () => {
    const r = await rootless.docker(['info', '--format', '{{json .SecurityOptions}} {{.CgroupDriver}} {{.MemoryLimit}} {{.PidsLimit}} {{json .Warnings}}']);
    assert.equal(r.code, 0, r.stderr);
    const [opts, driver, memory, pids, ...rest] = r.stdout.trim().split(' ');
    assert.ok((JSON.parse(opts) as string[]).includes('name=rootless'), opts);
    assert.deepEqual([driver, memory, pids], ['none', 'false', 'false']);
    const warnings = JSON.parse(rest.join(' ')) as string[];
    assert.ok(warnings.some((w) => /rootless on a cgroup v1 host.*memory, CPU, cpuset, pids and block I\/O limits cannot be enforced/.test(w)), rest.join(' '));
    // What a user reads: the docker CLI prints the warning and lists the option.
    const plain = await rootless.docker(['info']);
    assert.match(plain.stdout, /Cgroup Driver: none/);
    assert.match(plain.stdout, /Security Options:(\n\s+.*)*\n\s+rootless\n/);
    assert.match(plain.stdout + plain.stderr, /WARNING: berthd runs rootless on a cgroup v1 host/);
  });

  it('the rootful one has neither', async () => {
    const r = await rootful.docker(['info', '--format', '{{json .SecurityOptions}} {{.CgroupDriver}} {{json .Warnings}}']);
    assert.doesNotMatch(r.stdout, /rootless|none/);
  });

  it('run --memory 64m: the container runs without the limit, and the docker CLI prints why', async () => {
    const r = await rootless.docker(['run', '--name', 'limited', '--memory', '64m', '--pids-limit', '50', 'busybox', 'cat', LIMIT_FILE]);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(r.stdout.trim(), SIXTY_FOUR_MB);
    assert.match(r.stderr, /^WARNING: berthd runs rootless on a cgroup v1 host, where an unprivileged user cannot be given cgroups: --memory, --pids-limit discarded, the container runs without these limits\.$/m);
    const inspect = await rootless.docker(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}', 'limited']);
    assert.equal(inspect.stdout.trim(), '0 <nil>');
    // The same run on the rootful daemon gets the limit: this host enforces it.
    const enforced = await rootful.docker(['run', '--rm', '--memory', '64m', 'busybox', 'cat', LIMIT_FILE]);
    assert.deepEqual([enforced.stdout.trim(), enforced.stderr], [SIXTY_FOUR_MB, '']);
  });

  it('update --memory says the same', async () => {
    const c = await rootless.docker(['create', 'busybox', 'true']);
    assert.equal(c.code, 0, c.stderr);
    const r = await rootless.docker(['update', '--memory', '64m', c.stdout.trim()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /--memory discarded/);
  });
});
