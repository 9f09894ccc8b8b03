// info, create and update of a rootless berthd on this cgroup v1 host, as an ordinary user made by
// the test (testing/rootless-user.ts) sees them through the real docker CLI; a rootful berthd on
// the same host beside it, which enforces the same limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { requires } from '../../testing/requires.ts';
import { RootlessUser, RUNS_ROOTLESS } from '../../testing/rootless-user.ts';
import type { RootlessBerthd } from '../../testing/rootless-berthd.ts';

const CGROUP2_MAGIC = 0x63677270;
const v1 = statfsSync('/sys/fs/cgroup').type !== CGROUP2_MAGIC;
const skip = requires(...RUNS_ROOTLESS) || (!v1 && 'this host has cgroup v2: the v1 answers are not asked of it');
const LIMIT_FILE = '/sys/fs/cgroup/memory/memory.limit_in_bytes';
const SIXTY_FOUR_MB = String(64 * 1024 * 1024);

describe('a rootless berthd on cgroup v1', { skip }, () => {
  let u: RootlessUser;
  let d: RootlessBerthd;
  const rootful = useBusyboxDaemon({ skip });
  const docker = async (args: string[]) => {
    const r = await u.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n--- berthd log ---\n${d.log.slice(-3000)}`);
    return r;
  };

  before(async () => {
    if (skip) return;
    u = await RootlessUser.create();
    d = await u.startBerthd();
    await u.importBusybox();
  });
  after(async () => {
    if (skip || !u) return;
    await u.remove();
    assert.deepEqual(u.leftovers(), [], 'nothing of the test user is left');
  });

  it('info: SecurityOptions name=rootless, cgroup driver none, no limit support, a warning that says which limits', async () => {
    const r = await docker(['info', '--format', '{{json .SecurityOptions}} {{.CgroupDriver}} {{.MemoryLimit}} {{.PidsLimit}} {{json .Warnings}}']);
    const [opts, driver, memory, pids, ...rest] = r.stdout.trim().split(' ');
    assert.ok((JSON.parse(opts) as string[]).includes('name=rootless'), opts);
    assert.deepEqual([driver, memory, pids], ['none', 'false', 'false']);
    const warnings = JSON.parse(rest.join(' ')) as string[];
    assert.ok(warnings.some((w) => /rootless on a cgroup v1 host.*memory, CPU, cpuset, pids and block I\/O limits cannot be enforced/.test(w)), rest.join(' '));
    // What a user reads: the docker CLI lists the option and prints the warning.
    const plain = await docker(['info']);
    assert.match(plain.stdout, /Cgroup Driver: none/);
    assert.match(plain.stdout, /Security Options:(\n\s+.*)*\n\s+rootless\n/);
    assert.match(plain.stdout + plain.stderr, /WARNING: berthd runs rootless on a cgroup v1 host/);
  });

  it('the rootful one has neither', async () => {
    const r = await rootful.docker(['info', '--format', '{{json .SecurityOptions}} {{.CgroupDriver}} {{json .Warnings}}']);
    assert.doesNotMatch(r.stdout, /rootless|none/);
  });

  it('run --memory 64m: the container runs without the limit, and the docker CLI prints why', async () => {
    const r = await docker(['run', '--name', 'limited', '--memory', '64m', '--pids-limit', '50', 'busybox', 'cat', LIMIT_FILE]);
    assert.notEqual(r.stdout.trim(), SIXTY_FOUR_MB);
    assert.match(r.stderr, /^WARNING: berthd runs rootless on a cgroup v1 host, where an unprivileged user cannot be given cgroups: --memory, --pids-limit discarded, the container runs without these limits\.$/m);
    const inspect = await docker(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}', 'limited']);
    assert.equal(inspect.stdout.trim(), '0 <nil>');
    // The same run on the rootful daemon gets the limit: this host enforces it.
    const enforced = await rootful.docker(['run', '--rm', '--memory', '64m', 'busybox', 'cat', LIMIT_FILE]);
    assert.deepEqual([enforced.stdout.trim(), enforced.stderr], [SIXTY_FOUR_MB, '']);
  });

  it('update --memory says the same', async () => {
    const c = await docker(['create', 'busybox', 'true']);
    const r = await docker(['update', '--memory', '64m', c.stdout.trim()]);
    assert.match(r.stderr + r.stdout, /--memory discarded/);
  });
});
