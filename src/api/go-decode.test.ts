// Go's decoding as dockerd shows it: the texts below are dockerd 20.10's on this machine (Go
// 1.19) for the same request bodies, parsed here as berthd parses a body (number literals kept),
// but for the names current moby gives its types (CreateRequest, 20.10: ContainerConfigWrapper;
// container.RestartPolicyMode, 20.10: string). dockerd 20.10 answers these with 500, current
// moby with 400 and "invalid JSON: " in front; berthd answers 400 without the prefix, as it does
// for a health check's fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { checkGoJson, go } from './go-decode.ts';
import { readJsonBody } from './request-body.ts';
import { CREATE_REQUEST, UPDATE_CONFIG } from './types/host-config-types.ts';

async function body(text: string): Promise<unknown> {
  const req = { headers: { 'content-type': 'application/json' } } as unknown as IncomingMessage;
  return readJsonBody(req, Readable.from([Buffer.from(text)]));
}

async function misfit(text: string, type = CREATE_REQUEST): Promise<string | undefined> {
  try {
    checkGoJson(await body(text), type);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

test('integers: only integer literals in the Go type\'s range, judged as written', async () => {
  const hc = (v: string) => misfit(`{"HostConfig":{"Memory":${v}}}`);
  const int64 = (lit: string) => `json: cannot unmarshal number ${lit} into Go struct field HostConfig.HostConfig.Memory of type int64`;
  assert.equal(await hc('1.5'), int64('1.5'));
  assert.equal(await hc('1.0'), int64('1.0'), 'Go does not take 1.0 for an integer');
  assert.equal(await hc('1e7'), int64('1e7'), 'nor an exponent');
  assert.equal(await hc('1e30'), int64('1e30'));
  assert.equal(await hc('9223372036854775808'), int64('9223372036854775808'));
  assert.equal(await hc('-0'), undefined);
  assert.equal(await hc('null'), undefined);
  assert.equal(await hc('9007199254740991'), undefined);
  // Go takes up to 2^63-1; a JS number is exact to 2^53-1 only, so berthd refuses what it could
  // not store as sent.
  assert.equal(await hc('9223372036854775807'), 'invalid value 9223372036854775807 for HostConfig.Memory: berthd takes integers of at most 2^53-1 (9007199254740991)');
  const u16 = (lit: string) => `json: cannot unmarshal number ${lit} into Go struct field HostConfig.HostConfig.BlkioWeight of type uint16`;
  assert.equal(await misfit('{"HostConfig":{"BlkioWeight":99999}}'), u16('99999'));
  assert.equal(await misfit('{"HostConfig":{"BlkioWeight":-1}}'), u16('-1'));
  assert.equal(await misfit('{"HostConfig":{"BlkioWeight":-0}}'), u16('-0'));
  assert.equal(await misfit('{"HostConfig":{"BlkioWeight":65535}}'), undefined);
  assert.equal(await misfit('{"HostConfig":{"OomScoreAdj":1.5}}'), 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.OomScoreAdj of type int');
  assert.equal(await misfit('{"StopTimeout":1.5}'), 'json: cannot unmarshal number 1.5 into Go struct field CreateRequest.StopTimeout of type int');
});

test('other kinds are named, not quoted; only numeric targets show the number', async () => {
  const cases: [string, string][] = [
    ['{"HostConfig":{"Memory":"x"}}', 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64'],
    ['{"HostConfig":{"Memory":true}}', 'json: cannot unmarshal bool into Go struct field HostConfig.HostConfig.Memory of type int64'],
    ['{"HostConfig":{"Memory":[1]}}', 'json: cannot unmarshal array into Go struct field HostConfig.HostConfig.Memory of type int64'],
    ['{"HostConfig":{"Memory":{}}}', 'json: cannot unmarshal object into Go struct field HostConfig.HostConfig.Memory of type int64'],
    ['{"HostConfig":{"CpusetCpus":5}}', 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.CpusetCpus of type string'],
    ['{"HostConfig":{"OomKillDisable":1}}', 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.OomKillDisable of type bool'],
    ['{"HostConfig":{"Binds":"/a:/b"}}', 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Binds of type []string'],
    ['{"HostConfig":{"Sysctls":{"a":1}}}', 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.Sysctls of type string'],
    ['{"HostConfig":{"CapAdd":5}}', 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.CapAdd of type string'],
    ['{"HostConfig":"x"}', 'json: cannot unmarshal string into Go struct field CreateRequest.HostConfig of type container.HostConfig'],
  ];
  for (const [text, message] of cases) assert.equal(await misfit(text), message, text);
  assert.equal(await misfit('{"HostConfig":{"CapAdd":"NET_ADMIN"}}'), undefined, 'a StrSlice takes a single string');
});

test('nested structs, slices and fixed arrays', async () => {
  const cases: [string, string][] = [
    ['{"HostConfig":{"BlkioWeightDevice":[{"Path":"/dev/null","Weight":99999}]}}', 'json: cannot unmarshal number 99999 into Go struct field WeightDevice.HostConfig.BlkioWeightDevice.Weight of type uint16'],
    ['{"HostConfig":{"BlkioDeviceReadBps":[{"Path":"/dev/null","Rate":-1}]}}', 'json: cannot unmarshal number -1 into Go struct field ThrottleDevice.HostConfig.BlkioDeviceReadBps.Rate of type uint64'],
    ['{"HostConfig":{"BlkioDeviceReadBps":"x"}}', 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.BlkioDeviceReadBps of type []*blkiodev.ThrottleDevice'],
    ['{"HostConfig":{"Ulimits":[{"Name":"nofile","Soft":1.5,"Hard":10}]}}', 'json: cannot unmarshal number 1.5 into Go struct field Ulimit.HostConfig.Ulimits.Soft of type int64'],
    ['{"HostConfig":{"Ulimits":[1]}}', 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.Ulimits of type units.Ulimit'],
    ['{"HostConfig":{"DeviceRequests":[{"Count":1.5}]}}', 'json: cannot unmarshal number 1.5 into Go struct field DeviceRequest.HostConfig.DeviceRequests.Count of type int'],
    ['{"HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":1.5}}}', 'json: cannot unmarshal number 1.5 into Go struct field RestartPolicy.HostConfig.RestartPolicy.MaximumRetryCount of type int'],
    ['{"HostConfig":{"ConsoleSize":[-1,5]}}', 'json: cannot unmarshal number -1 into Go struct field HostConfig.HostConfig.ConsoleSize of type uint'],
    ['{"HostConfig":{"ConsoleSize":"x"}}', 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.ConsoleSize of type [2]uint'],
  ];
  for (const [text, message] of cases) assert.equal(await misfit(text), message, text);
  // Go fills a [2]uint from any array: extra elements are dropped unread, missing ones are 0.
  for (const [sent, kept] of [['[1,2,3]', [1, 2]], ['[1,2,-3]', [1, 2]], ['[1]', [1, 0]]] as const) {
    const b = (await body(`{"HostConfig":{"ConsoleSize":${sent}}}`)) as { HostConfig: { ConsoleSize: number[] } };
    checkGoJson(b, CREATE_REQUEST);
    assert.deepEqual(b.HostConfig.ConsoleSize, kept, sent);
  }
});

test('field names match regardless of case, and the first misfit in the document is reported', async () => {
  assert.equal(await misfit('{"HostConfig":{"memory":1.5}}'), 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Memory of type int64');
  const b = (await body('{"hostconfig":{"memory":10000000,"Bogus":1.5}}')) as Record<string, Record<string, unknown>>;
  checkGoJson(b, CREATE_REQUEST);
  assert.deepEqual(b, { HostConfig: { Memory: 10000000, Bogus: 1.5 } }, 'keys get the field\'s name; unknown keys stay, unchecked, as Go ignores them');
  assert.match((await misfit('{"HostConfig":{"Memory":1.5,"CpuShares":"x"}}'))!, /HostConfig\.Memory of type int64$/);
  assert.match((await misfit('{"HostConfig":{"CpuShares":"x","Memory":1.5}}'))!, /HostConfig\.CpuShares of type int64$/);
  assert.match((await misfit('{"HostConfig":{"CpuShares":"x"},"StopTimeout":1.5}'))!, /HostConfig\.CpuShares of type int64$/);
});

test('an update body is an UpdateConfig: Resources inline, then RestartPolicy', async () => {
  const cases: [string, string][] = [
    ['{"CpuShares":"x"}', 'json: cannot unmarshal string into Go struct field UpdateConfig.CpuShares of type int64'],
    ['{"Memory":1e30}', 'json: cannot unmarshal number 1e30 into Go struct field UpdateConfig.Memory of type int64'],
    ['{"NanoCpus":1e19}', 'json: cannot unmarshal number 1e19 into Go struct field UpdateConfig.NanoCpus of type int64'],
    ['{"Ulimits":[{"Soft":1.5}]}', 'json: cannot unmarshal number 1.5 into Go struct field Ulimit.Ulimits.Soft of type int64'],
    ['{"RestartPolicy":"x"}', 'json: cannot unmarshal string into Go struct field UpdateConfig.RestartPolicy of type container.RestartPolicy'],
    ['{"RestartPolicy":{"MaximumRetryCount":1.5}}', 'json: cannot unmarshal number 1.5 into Go struct field RestartPolicy.RestartPolicy.MaximumRetryCount of type int'],
    ['[]', 'json: cannot unmarshal array into Go value of type container.UpdateConfig'],
    ['"x"', 'json: cannot unmarshal string into Go value of type container.UpdateConfig'],
  ];
  for (const [text, message] of cases) assert.equal(await misfit(text, UPDATE_CONFIG), message, text);
  assert.equal(await misfit('{"OomScoreAdj":"x"}', UPDATE_CONFIG), undefined, 'not a field of UpdateConfig: ignored');
});

test('a value with no body behind it is judged by its JS number', () => {
  assert.doesNotThrow(() => checkGoJson({ A: 5 }, go.struct('T', { A: go.uint16 })));
  assert.throws(() => checkGoJson({ A: 5.5 }, go.struct('T', { A: go.uint16 })), /^BerthError: json: cannot unmarshal number 5\.5 into Go struct field T\.A of type uint16$/);
});
