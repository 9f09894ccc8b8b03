// Resource limits over the wire: a value dockerd refuses, or one that would fail in runc or the
// kernel at start, is a 400 at create and at update and never reaches the store (the list does
// not grow, every container still inspects); through the API with raw bodies, and the docker CLI.
// The full table of values and texts is resource-rules.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { detectSupport } from '../runtime/cgroups/support.ts';
import { BerthError, statusOfKind } from './types/errors.ts';

const f = useBusyboxDaemon();
const dockerSkip = requires('docker');

async function send(method: string, path: string, text: string): Promise<{ status: number; message: string }> {
  try {
    const res = await f.d.client().api.request(method, path, { body: Buffer.from(text), headers: { 'Content-Type': 'application/json' } });
    res.resume();
    return { status: res.statusCode ?? 0, message: '' };
  } catch (err) {
    if (!(err instanceof BerthError)) throw err;
    return { status: statusOfKind(err.kind), message: err.message };
  }
}

const ids = async () => (await f.d.client().containers.list({ all: true })).map((c) => c.Id).sort();

/** The examples and one of each other kind: [HostConfig as sent, dockerd's text or berth's]. */
const REFUSED: [string, string | RegExp][] = [
  ['{"Memory":-5}', 'Minimum memory limit allowed is 6MB'],
  ['{"Memory":1.5}', 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Memory of type int64'],
  ['{"Memory":1e30}', 'json: cannot unmarshal number 1e30 into Go struct field HostConfig.HostConfig.Memory of type int64'],
  ['{"OomScoreAdj":5000}', 'Invalid value 5000, range for oom score adj is [-1000, 1000]'],
  ['{"BlkioWeight":99999}', 'json: cannot unmarshal number 99999 into Go struct field HostConfig.HostConfig.BlkioWeight of type uint16'],
  ['{"NanoCpus":-1}', /^range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available$/],
  ['{"CpusetCpus":"0-999999"}', 'Invalid value 0-999999 for cpuset cpus: value of out range, maximum is 8192'],
  ['{"CpuShares":1}', 'the minimum allowed cpu-shares is 2'],
  ['{"CpuPeriod":999}', 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  ['{"MemorySwappiness":200}', 'Invalid value: 200, valid memory swappiness range is 0-100'],
  ['{"PidsLimit":1.5}', 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.PidsLimit of type int64'],
  ['{"ShmSize":-1}', 'SHM size can not be less than 0'],
  ['{"Ulimits":[{"Name":"bogus","Soft":1,"Hard":1}]}', 'invalid ulimit type: bogus'],
  ['{"BlkioDeviceReadBps":[{"Path":"/dev/null","Rate":100}]}', 'invalid device "/dev/null" in BlkioDeviceReadBps: not a block device'],
  ['{"ConsoleSize":[-1,5]}', 'json: cannot unmarshal number -1 into Go struct field HostConfig.HostConfig.ConsoleSize of type uint'],
  ['{"IOMaximumIOps":5}', 'invalid option: QoS maximum IOPs configuration is not supported on linux'],
];

test('create: each bad value is a 400 with its text, and nothing is stored', async () => {
  const before = await ids();
  for (const [hostConfig, message] of REFUSED) {
    const r = await send('POST', '/containers/create', `{"Image":"busybox","Cmd":["true"],"HostConfig":${hostConfig}}`);
    assert.equal(r.status, 400, hostConfig);
    if (typeof message === 'string') assert.equal(r.message, message, hostConfig);
    else assert.match(r.message, message, hostConfig);
  }
  assert.deepEqual(await ids(), before, 'the list shows no new container');
});

test('create: what the host cannot apply is stored as dockerd stores it, and the container runs', async () => {
  const api = f.d.client().api;
  const created = await api.json<{ Id: string; Warnings: string[] }>('POST', '/containers/create', {
    body: { Image: 'busybox', Cmd: ['true'], HostConfig: { PidsLimit: -99, MemorySwappiness: -1, CpuPercent: 50, ConsoleSize: [1, 2, 3], KernelMemory: 1 } },
  });
  assert.deepEqual(created.Warnings, ['linux does not support CPU percent. Percent discarded.']);
  const hc = (await api.json<{ HostConfig: Record<string, unknown> }>('GET', `/containers/${created.Id}/json`)).HostConfig;
  assert.deepEqual([hc.PidsLimit, hc.MemorySwappiness, hc.CpuPercent, hc.ConsoleSize, hc.KernelMemory], [null, null, 0, [1, 2], undefined]);
  await f.d.client().containers.start(created.Id);
  assert.equal(await f.d.client().containers.wait(created.Id, 'not-running'), 0);
  await f.d.client().containers.remove(created.Id, { force: true });
});

test('update: type errors and bad values are a 400 before runc is called; the limits stay', async () => {
  const containers = f.d.client().containers;
  const { Id } = await containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'], HostConfig: { Memory: 64 * 1024 * 1024, NanoCpus: 1e9 } });
  await containers.start(Id);
  const cases: [string, number, string][] = [
    ['{"CpuShares":"x"}', 400, 'json: cannot unmarshal string into Go struct field UpdateConfig.CpuShares of type int64'],
    ['{"Memory":1e30}', 400, 'json: cannot unmarshal number 1e30 into Go struct field UpdateConfig.Memory of type int64'],
    ['{"NanoCpus":1e19}', 400, 'json: cannot unmarshal number 1e19 into Go struct field UpdateConfig.NanoCpus of type int64'],
    ['{"Memory":-5}', 400, 'Minimum memory limit allowed is 6MB'],
    ['{"CpuShares":262145}', 400, 'the maximum allowed cpu-shares is 262144'],
    ['{"CpusetCpus":"0-999999"}', 400, 'Invalid value 0-999999 for cpuset cpus: value of out range, maximum is 8192'],
    ['{"MemoryReservation":134217728}', 400, 'Minimum memory limit can not be less than memory reservation limit, see usage'],
    ['[]', 400, 'json: cannot unmarshal array into Go value of type container.UpdateConfig'],
    ['{"CpuQuota":50000}', 409, `Cannot update container ${Id}: Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set`],
  ];
  for (const [body, status, message] of cases) assert.deepEqual(await send('POST', `/containers/${Id}/update`, body), { status, message }, body);
  const hc = (await f.d.client().api.json<{ HostConfig: Record<string, unknown> }>('GET', `/containers/${Id}/json`)).HostConfig;
  assert.deepEqual([hc.Memory, hc.NanoCpus, hc.CpuShares ?? 0, hc.CpuQuota ?? 0, hc.MemoryReservation ?? 0], [64 * 1024 * 1024, 1e9, 0, 0, 0]);
  assert.equal(readFileSync(`/sys/fs/cgroup/memory/berth/${Id}/memory.limit_in_bytes`, 'utf8').trim(), String(64 * 1024 * 1024));
  // Fields an update does not take are ignored, as dockerd ignores them.
  assert.deepEqual(await send('POST', `/containers/${Id}/update`, '{"OomScoreAdj":5000,"PidsLimit":50}'), { status: 200, message: '' });
  assert.equal(readFileSync(`/sys/fs/cgroup/pids/berth/${Id}/pids.max`, 'utf8').trim(), '50');
  assert.deepEqual(await send('POST', `/containers/${Id}/update`, '{"PidsLimit":-1}'), { status: 200, message: '' });
  assert.equal(readFileSync(`/sys/fs/cgroup/pids/berth/${Id}/pids.max`, 'utf8').trim(), 'max', '0 or less is "unlimited" in an update');
  await containers.remove(Id, { force: true });
});

test('the docker CLI: refused values at run and update, a warning for what the host lacks', { skip: dockerSkip }, async () => {
  const before = await ids();
  for (const [flags, message] of [
    [['--cpu-shares', '-1'], 'invalid CPU shares (-1): value must be a positive integer'],
    [['--oom-score-adj', '5000'], 'Invalid value 5000, range for oom score adj is [-1000, 1000]'],
    [['--cpuset-cpus', '0-999999'], 'Invalid value 0-999999 for cpuset cpus: value of out range, maximum is 8192'],
    [['--cpuset-mems', '7'], 'Requested memory nodes are not available - requested 7, available: 0'],
    [['--memory', '1m'], 'Minimum memory limit allowed is 6MB'],
    [['--cpu-period', '999'], 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
    [['--ulimit', 'nofile=-5'], 'invalid ulimit nofile: -5 is neither a limit nor -1 (unlimited)'],
    [['--pids-limit', '5000000'], "PIDs limit can not be more than 4194304, the kernel's maximum"],
  ] as const) {
    const r = await f.docker(['run', '--rm', ...flags, 'busybox', 'true']);
    assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`Error response from daemon: ${message}`), `${flags.join(' ')}: ${r.stderr}`);
  }
  assert.deepEqual(await ids(), before, 'nothing was created');
  const w = await f.docker(['run', '--rm', '--blkio-weight', '500', 'busybox', 'true']);
  assert.equal(w.code, 0, w.stderr);
  const warning = /WARNING: Your kernel does not support Block I\/O weight or the cgroup is not mounted\. Weight discarded\./;
  if (detectSupport().blkioWeight) assert.doesNotMatch(w.stderr, warning);
  else assert.match(w.stderr, warning, 'this host has no blkio weight: dropped with dockerd\'s warning');
  const id = (await f.docker(['run', '-d', '--memory', '64m', 'busybox', 'sleep', '1000'])).stdout.trim();
  for (const [flags, message] of [
    [['--cpus', '1000'], /range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available/],
    [['--memory', '1'], /Minimum memory limit allowed is 6MB/],
    [['--cpu-shares', '1'], /the minimum allowed cpu-shares is 2/],
  ] as const) {
    const r = await f.docker(['update', ...flags, id]);
    assert.notEqual(r.code, 0, flags.join(' '));
    assert.match(r.stderr, message, flags.join(' '));
  }
  assert.equal((await f.docker(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}', id])).stdout.trim(), `${64 * 1024 * 1024} 0 0`);
  assert.equal((await f.docker(['inspect', '-f', '{{.Id}}', ...(await ids())])).code, 0, 'every container still inspects');
  await f.docker(['rm', '-f', id]);
});
