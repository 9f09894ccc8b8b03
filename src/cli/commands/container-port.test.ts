// berth port against the docker CLI 28: both ask one replay engine for a container whose
// NetworkSettings.Ports is as dockerd shapes it, and must print and exit the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import { startReplayEngine, type ReplayEngine } from '../../testing/replay-engine.ts';
import type { PortMap } from '../../api/types/engine-api.ts';

const skip = requires('docker');

const PORTS: PortMap = {
  '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }],
  '9/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }],
  '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }],
  '443/tcp': null,
};
const CONTAINER = { Id: 'c0ffee'.padEnd(64, '0'), Name: '/web', State: { Status: 'running', Running: true }, Config: {}, HostConfig: {}, NetworkSettings: { Ports: PORTS, Networks: {} } };

let engine: ReplayEngine;
let config: string;
before(async () => {
  engine = await startReplayEngine('1.50', (method, path) => {
    if (method !== 'GET') return undefined;
    if (path === '/containers/web/json') return { status: 200, body: CONTAINER };
    return { status: 404, body: { message: `No such container: ${path.split('/')[2]}` } };
  });
  config = mkdtempSync(join(tmpdir(), 'berth-port-'));
});
after(async () => {
  await engine?.close();
  rmSync(config, { recursive: true, force: true });
});

const CASES = [['web'], ['web', '80'], ['web', '80/tcp'], ['web', '53/udp'], ['web', '443'], ['web', '81'], ['web', 'http'], ['web', '70000'], ['nope'], [], ['web', '80', 'x']];

for (const args of CASES) {
  test(`berth port ${args.join(' ')}: as docker port ${args.join(' ')}`, { skip }, async () => {
    const env = { DOCKER_HOST: engine.host, DOCKER_CONFIG: config };
    const docker = await run('docker', ['port', ...args], { env });
    const ours = await berth(['port', ...args], { env });
    assert.deepEqual(ours, { ...docker, stderr: docker.stderr.replaceAll('docker', 'berth') });
  });
}
