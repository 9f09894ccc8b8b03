// Every limit tried against Debian's dockerd 20.10 on this machine (cgroup v1 with swap
// accounting, no blkio weight, 2 CPUs, one memory node) and what berthd answers. The third
// column is dockerd's answer where it differs: "500 (decoder)" is Go's decoding error, which
// 20.10 answers with 500 (current moby: 400, with "invalid JSON: " in front); "201, then …" is a
// value dockerd takes and fails on later, which berthd refuses at create ("berth:" rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { readJsonBody } from '../../api/request-body.ts';
import type { ResourceSupport } from '../../runtime/cgroups/support.ts';
import { checkCreateBody, checkUpdateBody } from './host-config-check.ts';
import type { RuleEnv } from './resource-rules.ts';
import { cpusetError, parseUintList } from './cpuset-list.ts';

/** This machine as dockerd's sysinfo saw it. */
const HOST: ResourceSupport = {
  cgroupV2: false, memoryLimit: true, swapLimit: true, memoryReservation: true, memorySwappiness: true, oomKillDisable: true,
  pidsLimit: true, cpuShares: true, cpuCfs: true, cpuRealtime: true, cpuset: true, blkioWeight: false, blkioWeightDevice: false,
  blkioReadBps: true, blkioWriteBps: true, blkioReadIOps: true, blkioWriteIOps: true, cpus: '0-1', mems: '0', numCpu: 2,
};
const env = (update = false, support = HOST): RuleEnv => ({
  support, update, nofileHostHard: 20000,
  realtimeBudget: (parent) => (parent === '/rt' ? 950000 : 0),
  blockDeviceProblem: (path) => (path === '/dev/vda' ? undefined : path === '/dev/null' ? 'not a block device' : 'no such file or directory'),
});

async function parse(text: string): Promise<Record<string, unknown>> {
  const req = { headers: { 'content-type': 'application/json' } } as unknown as IncomingMessage;
  return (await readJsonBody(req, Readable.from([Buffer.from(text)]))) as Record<string, unknown>;
}

/** "400 <text>", "201", or "201 warns: <text>" for a create with this HostConfig. */
async function answer(hostConfig: string, e = env()): Promise<string> {
  try {
    const warnings = checkCreateBody(await parse(`{"Image":"busybox","HostConfig":${hostConfig}}`), e);
    return warnings.length ? `201 warns: ${warnings.join(' | ')}` : '201';
  } catch (err) {
    return `400 ${(err as Error).message}`;
  }
}

const DECODER = '500 (decoder)';
const u = (field: string, lit: string, type = 'int64') => `400 json: cannot unmarshal number ${lit} into Go struct field HostConfig.HostConfig.${field} of type ${type}`;
const NO_WEIGHT = 'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.';
const NO_WEIGHT_DEVICE = 'Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.';
const CPUS = '400 range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available';

/** [HostConfig, berthd, dockerd 20.10 where it differs]. */
const TABLE: [string, string, string?][] = [
  ['{"Memory":-5}', '400 Minimum memory limit allowed is 6MB'],
  ['{"Memory":1}', '400 Minimum memory limit allowed is 6MB'],
  ['{"Memory":1.5}', u('Memory', '1.5'), DECODER],
  ['{"Memory":1.0}', u('Memory', '1.0'), DECODER],
  ['{"Memory":1e7}', u('Memory', '1e7'), DECODER],
  ['{"Memory":1e30}', u('Memory', '1e30'), DECODER],
  ['{"Memory":"x"}', '400 json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64', DECODER],
  ['{"Memory":9223372036854775808}', u('Memory', '9223372036854775808'), DECODER],
  ['{"Memory":9223372036854775807}', '400 invalid value 9223372036854775807 for HostConfig.Memory: berthd takes integers of at most 2^53-1 (9007199254740991)', '201'],
  ['{"Memory":6291456}', '201'],
  ['{"Memory":null}', '201'],
  ['{"Memory":10000000,"MemorySwap":5000000}', '400 Minimum memoryswap limit should be larger than memory limit, see usage'],
  ['{"MemorySwap":100000000}', '400 You should always set the Memory limit when using Memoryswap limit, see usage'],
  ['{"Memory":10000000,"MemorySwap":-1}', '201'],
  ['{"MemoryReservation":1}', '400 Minimum memory reservation allowed is 6MB'],
  ['{"Memory":10000000,"MemoryReservation":20000000}', '400 Minimum memory limit can not be less than memory reservation limit, see usage'],
  ['{"MemorySwappiness":-1}', '201'],
  ['{"MemorySwappiness":-2}', '400 Invalid value: -2, valid memory swappiness range is 0-100'],
  ['{"MemorySwappiness":101}', '400 Invalid value: 101, valid memory swappiness range is 0-100'],
  ['{"MemorySwappiness":1.5}', u('MemorySwappiness', '1.5'), DECODER],
  ['{"KernelMemory":1}', '201', '400 Minimum kernel memory limit allowed is 6MB (current moby ignores the field, as berthd does)'],
  ['{"OomKillDisable":"x"}', '400 json: cannot unmarshal string into Go struct field HostConfig.HostConfig.OomKillDisable of type bool', DECODER],
  ['{"OomKillDisable":true}', '201 warns: OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.'],
  ['{"OomScoreAdj":5000}', '400 Invalid value 5000, range for oom score adj is [-1000, 1000]'],
  ['{"OomScoreAdj":-1001}', '400 Invalid value -1001, range for oom score adj is [-1000, 1000]'],
  ['{"OomScoreAdj":1.5}', u('OomScoreAdj', '1.5', 'int'), DECODER],
  ['{"CpuShares":-1}', '400 invalid CPU shares (-1): value must be a positive integer', '201, then 500 at start: shares: invalid argument'],
  ['{"CpuShares":1}', '400 the minimum allowed cpu-shares is 2', '201, then 500 at start with this text from runc'],
  ['{"CpuShares":262145}', '400 the maximum allowed cpu-shares is 262144', '201, then 500 at start with this text from runc'],
  ['{"CpuShares":"x"}', '400 json: cannot unmarshal string into Go struct field HostConfig.HostConfig.CpuShares of type int64', DECODER],
  ['{"CpuPeriod":999}', '400 CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  ['{"CpuPeriod":-1}', '400 CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  ['{"CpuQuota":999}', '400 CPU cfs quota can not be less than 1ms (i.e. 1000)'],
  ['{"CpuQuota":-1}', '201'],
  ['{"CpuQuota":17592186044416}', '400 CPU cfs quota can not be more than 17592186044415, the kernel\'s maximum', '201, then 500 at start (the kernel refuses the write)'],
  ['{"CpuRealtimePeriod":-1}', '400 invalid CPU real-time period (-1): value must be a positive integer', '201, then 500 at start'],
  ['{"CpuRealtimeRuntime":-1}', '400 invalid CPU real-time runtime (-1): value must be a positive integer', '201, then 500 at start'],
  ['{"CpuRealtimeRuntime":950000}', '400 cpu real-time runtime 950000 is more than the 0 µs the parent cgroup /berth can give (its cpu.rt_runtime_us)', '201, then 500 at start (its parent /docker has 0)'],
  ['{"CpuRealtimeRuntime":950000,"CgroupParent":"rt"}', '201'],
  ['{"CpuRealtimeRuntime":10,"CpuRealtimePeriod":5}', '400 cpu real-time runtime cannot be higher than cpu real-time period', '500 with this text'],
  ['{"NanoCpus":-1}', CPUS, '400 Range of CPUs … (capital R; current moby: as berthd)'],
  ['{"NanoCpus":3000000000}', CPUS, '400 Range of CPUs … (capital R)'],
  ['{"NanoCpus":1}', CPUS, '201: a quota of 0, no limit at all'],
  ['{"NanoCpus":5000000}', CPUS, '201, then 500 at start (a quota under 1ms)'],
  ['{"NanoCpus":10000000}', '201'],
  ['{"NanoCpus":1e19}', u('NanoCpus', '1e19'), DECODER],
  ['{"NanoCpus":1000000000,"CpuPeriod":100000}', '400 Conflicting options: Nano CPUs and CPU Period cannot both be set'],
  ['{"CpuPercent":50}', '201 warns: linux does not support CPU percent. Percent discarded.'],
  ['{"CpusetCpus":"0-999999"}', '400 Invalid value 0-999999 for cpuset cpus: value of out range, maximum is 8192', undefined],
  ['{"CpusetCpus":"abc"}', '400 Invalid value abc for cpuset cpus: invalid format: abc'],
  ['{"CpusetCpus":"1-0"}', '400 Invalid value 1-0 for cpuset cpus: invalid format: 1-0'],
  ['{"CpusetCpus":"0,"}', '400 Invalid value 0, for cpuset cpus: invalid format: 0,'],
  ['{"CpusetCpus":"+1"}', '400 Invalid value +1 for cpuset cpus: invalid format: +1', '201, then 500 at start (the kernel refuses "+1")'],
  ['{"CpusetCpus":"2"}', '400 Requested CPUs are not available - requested 2, available: 0-1'],
  ['{"CpusetCpus":"0-8193"}', '400 Invalid value 0-8193 for cpuset cpus: value of out range, maximum is 8192'],
  ['{"CpusetCpus":"0,1"}', '201'],
  ['{"CpusetCpus":5}', '400 json: cannot unmarshal number into Go struct field HostConfig.HostConfig.CpusetCpus of type string', DECODER],
  ['{"CpusetMems":"1"}', '400 Requested memory nodes are not available - requested 1, available: 0'],
  ['{"CpusetMems":"x"}', '400 Invalid value x for cpuset mems: invalid format: x'],
  ['{"PidsLimit":-99}', '201'],
  ['{"PidsLimit":1.5}', u('PidsLimit', '1.5'), DECODER],
  ['{"PidsLimit":4194305}', '400 PIDs limit can not be more than 4194304, the kernel\'s maximum', '201, then 500 at start'],
  ['{"BlkioWeight":99999}', u('BlkioWeight', '99999', 'uint16'), DECODER],
  ['{"BlkioWeight":-1}', u('BlkioWeight', '-1', 'uint16'), DECODER],
  ['{"BlkioWeight":5}', `201 warns: ${NO_WEIGHT}`],
  ['{"BlkioWeight":500}', `201 warns: ${NO_WEIGHT}`],
  ['{"BlkioWeightDevice":[{"Path":"/dev/null","Weight":99999}]}', '400 json: cannot unmarshal number 99999 into Go struct field WeightDevice.HostConfig.BlkioWeightDevice.Weight of type uint16', DECODER],
  ['{"BlkioWeightDevice":[{"Path":"/dev/nonexistent","Weight":500}]}', `201 warns: ${NO_WEIGHT_DEVICE}`],
  ['{"BlkioDeviceReadBps":[{"Path":"/dev/null","Rate":-1}]}', '400 json: cannot unmarshal number -1 into Go struct field ThrottleDevice.HostConfig.BlkioDeviceReadBps.Rate of type uint64', DECODER],
  ['{"BlkioDeviceReadBps":[{"Path":"/dev/nonexistent","Rate":100}]}', '400 invalid device "/dev/nonexistent" in BlkioDeviceReadBps: no such file or directory', '201, then 500 at start: stat /dev/nonexistent: no such file or directory'],
  ['{"BlkioDeviceWriteIOps":[{"Path":"/dev/null","Rate":100}]}', '400 invalid device "/dev/null" in BlkioDeviceWriteIOps: not a block device', '201, then 500 at start: no such device'],
  ['{"BlkioDeviceReadBps":[{"Path":"/dev/vda","Rate":1048576}]}', '201'],
  ['{"IOMaximumIOps":5}', '400 invalid option: QoS maximum IOPs configuration is not supported on linux', '500 Invalid QoS settings: linux does not support configuration of maximum IOPs'],
  ['{"IOMaximumBandwidth":-1}', u('IOMaximumBandwidth', '-1', 'uint64'), DECODER],
  ['{"Ulimits":[{"Name":"nofile","Soft":-5,"Hard":10}]}', '400 invalid ulimit nofile: -5 is neither a limit nor -1 (unlimited)', '201, then 500 at start: error setting rlimit type 7: invalid argument'],
  ['{"Ulimits":[{"Name":"nofile","Soft":100,"Hard":10}]}', '400 ulimit soft limit must be less than or equal to hard limit: 100 > 10', '201, then 500 at start'],
  ['{"Ulimits":[{"Name":"bogus","Soft":1,"Hard":1}]}', '400 invalid ulimit type: bogus', '201, then 500 at start: wrong rlimit value: RLIMIT_BOGUS'],
  ['{"Ulimits":[{"Name":"nofile","Soft":30000,"Hard":30000}]}', '400 ulimit nofile hard limit 30000 exceeds the host\'s RLIMIT_NOFILE hard limit (20000); use a value of at most 20000', '201, then 500 at start: operation not permitted'],
  ['{"Ulimits":[{"Name":"NOFILE","Soft":1000,"Hard":1000}]}', '201'],
  ['{"Ulimits":[{"Name":"nofile","Soft":1.5,"Hard":10}]}', '400 json: cannot unmarshal number 1.5 into Go struct field Ulimit.HostConfig.Ulimits.Soft of type int64', DECODER],
  ['{"ShmSize":-1}', '400 SHM size can not be less than 0'],
  ['{"ShmSize":1.5}', u('ShmSize', '1.5'), DECODER],
  ['{"ConsoleSize":[-1,5]}', u('ConsoleSize', '-1', 'uint'), DECODER],
  ['{"ConsoleSize":[1,2,3]}', '201'],
  ['{"DeviceRequests":[{"Count":1.5}]}', '400 json: cannot unmarshal number 1.5 into Go struct field DeviceRequest.HostConfig.DeviceRequests.Count of type int', DECODER],
  ['{"Memory":-5,"OomScoreAdj":5000}', '400 Minimum memory limit allowed is 6MB'],
];

test('each value: berthd\'s answer, with dockerd\'s text wherever dockerd refuses it', async () => {
  for (const [hostConfig, expected] of TABLE) assert.equal(await answer(hostConfig), expected, hostConfig);
});

test('what is stored is what dockerd stores', async () => {
  const stored = async (hostConfig: string) => {
    const body = await parse(`{"Image":"busybox","HostConfig":${hostConfig}}`);
    checkCreateBody(body, env());
    return body.HostConfig;
  };
  assert.deepEqual(await stored('{"BlkioWeight":500,"CpuPercent":50,"MemorySwappiness":-1,"PidsLimit":-1,"KernelMemory":1}'), { BlkioWeight: 0, CpuPercent: 0, MemorySwappiness: null, PidsLimit: null });
  assert.deepEqual(await stored('{"ConsoleSize":[1,2,3],"BlkioWeightDevice":[{"Path":"/dev/vda","Weight":500}]}'), { ConsoleSize: [1, 2], BlkioWeightDevice: [] });
  assert.deepEqual(await stored('{"memory":10000000}'), { Memory: 10000000 }, 'what Go matched by case is stored under the field\'s name');
});

test('what the host lacks is dropped with dockerd\'s warning (a v2 host without controllers)', async () => {
  const bare: ResourceSupport = { ...HOST, cgroupV2: true, memoryLimit: false, swapLimit: false, memoryReservation: false, memorySwappiness: false, oomKillDisable: false, pidsLimit: false, cpuShares: false, cpuCfs: false, cpuRealtime: false, cpuset: false, blkioReadBps: false, blkioWriteBps: false, blkioReadIOps: false, blkioWriteIOps: false };
  const e = env(false, bare);
  assert.equal(await answer('{"Memory":10000000}', e), '201 warns: Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.');
  assert.equal(await answer('{"PidsLimit":5,"CpuShares":512}', e), '201 warns: Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded. | Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.');
  assert.equal(await answer('{"CpuQuota":50000}', e), '201 warns: Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.');
  assert.equal(await answer('{"CpusetCpus":"0"}', e), '201 warns: Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.');
  assert.equal(await answer('{"NanoCpus":1000000000}', e), '400 NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted');
  assert.equal(await answer('{"CpuRealtimePeriod":1000}', e), '400 kernel does not support CPU real-time scheduler');
  assert.equal(await answer('{"CpuShares":1}', env(false, { ...HOST, cgroupV2: true })), '201', 'v2 maps 1 share to a weight');
});

test('an update is checked alone first, as dockerd: swap without memory passes, fields update cannot change are left out', async () => {
  const update = async (text: string) => {
    try {
      const { request, warnings } = checkUpdateBody(await parse(text), env(true));
      return { request, warnings };
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.deepEqual(await update('{"MemorySwap":80000000}'), { request: { MemorySwap: 80000000 }, warnings: [] });
  assert.deepEqual(await update('{"OomScoreAdj":5000,"Memory":20000000}'), { request: { Memory: 20000000 }, warnings: [] });
  assert.deepEqual(await update('{"BlkioWeight":5}'), { request: { BlkioWeight: 0 }, warnings: [NO_WEIGHT] });
  assert.equal(await update('{"Memory":-5}'), 'Minimum memory limit allowed is 6MB');
  assert.equal(await update('{"CpuShares":"x"}'), 'json: cannot unmarshal string into Go struct field UpdateConfig.CpuShares of type int64');
  assert.equal(await update('{"Memory":1e30}'), 'json: cannot unmarshal number 1e30 into Go struct field UpdateConfig.Memory of type int64');
  assert.equal(await update('{"NanoCpus":1e19}'), 'json: cannot unmarshal number 1e19 into Go struct field UpdateConfig.NanoCpus of type int64');
  assert.equal(await update('{"NanoCpus":3000000000}'), CPUS.slice(4));
  assert.equal(await update('{"CpusetCpus":"0-999999"}'), 'Invalid value 0-999999 for cpuset cpus: value of out range, maximum is 8192');
});

test('cpuset lists as dockerd parses them', () => {
  assert.deepEqual([...(parseUintList('0-2,7,03,1-1', 0) as Set<number>)], [0, 1, 2, 7, 3]);
  assert.equal(parseUintList('0-9223372036854775807', 8192), 'value of out range, maximum is 8192', 'a huge range is refused before it is made');
  assert.equal(parseUintList('99999999999999999999', 8192), 'invalid format: 99999999999999999999', 'past int64, as Go\'s Atoi');
  assert.equal(parseUintList('-1', 8192), 'invalid format: -1');
  assert.equal(cpusetError('cpus', '', '0-1'), undefined);
  assert.equal(cpusetError('cpus', '9000', '0-9999'), undefined, 'the limit grows with the host');
  assert.equal(cpusetError('mems', '0-1', '0'), 'Requested memory nodes are not available - requested 0-1, available: 0');
});
