import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostConfigView } from './host-config-view.ts';
import { DEFAULT_READONLY_PATHS } from '../../runtime/spec/build.ts';

test('a sparse HostConfig (docker-py, compose, dockerode) is shown whole, with the defaults dockerd stores', () => {
  const v = hostConfigView({ NetworkMode: 'default', Memory: 64 << 20, Runtime: 'runc', LogConfig: { Type: 'json-file', Config: {} } });
  assert.deepEqual(v.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
  assert.deepEqual([v.Privileged, v.CpuShares, v.PidsLimit, v.Binds, v.Isolation], [false, 0, null, null, '']);
  assert.deepEqual([v.Memory, v.MemorySwap, v.ShmSize, v.IpcMode], [64 << 20, 128 << 20, 64 << 20, 'private']);
  assert.ok(['private', 'host'].includes(String(v.CgroupnsMode)));
  assert.deepEqual(v.ReadonlyPaths, DEFAULT_READONLY_PATHS);
  assert.ok((v.MaskedPaths as string[]).includes('/proc/kcore'));
  assert.equal(v.NetworkMode, 'default');
});

test('what the client sent is shown as sent; a privileged container has no masked paths', () => {
  const v = hostConfigView({ Privileged: true, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, IpcMode: 'shareable', ShmSize: 1 << 20, MemorySwap: -1, Memory: 1 << 24, Dns: [] });
  assert.deepEqual(v.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual([v.IpcMode, v.ShmSize, v.MemorySwap, v.Dns, v.MaskedPaths, v.ReadonlyPaths], ['shareable', 1 << 20, -1, [], null, null]);
});
