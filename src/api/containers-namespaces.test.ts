// --pid, --ipc and --cgroupns as the docker CLI asks for them, each checked against what
// Debian's dockerd 20.10 does with the same command: joining another container's PID or IPC
// namespace (and its /dev/shm, from a shareable one), no /dev/shm with --ipc none, a cgroup
// namespace of its own or the host's, and dockerd's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { isKind } from './types/errors.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const docker = f.docker;

async function ok(args: string[]): Promise<string> {
  const r = await docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('--pid container:<x> sees x\'s processes; --ipc container:<x> shares a shareable x\'s IPC namespace and /dev/shm', { skip }, async () => {
  await ok(['run', '-d', '--name', 'donor', 'busybox', 'sleep', '300']);
  const ps = await ok(['run', '--rm', '--pid', 'container:donor', 'busybox', 'ps', '-o', 'comm']);
  assert.deepEqual(ps.trim().split('\n'), ['COMMAND', 'sleep', 'ps']);
  const refused = await docker(['run', '--rm', '--ipc', 'container:donor', 'busybox', 'true']);
  assert.equal(refused.code, 125);
  assert.match(refused.stderr, /can't join IPC of container [0-9a-f]{64}: non-shareable IPC \(hint: use IpcMode:shareable for the donor container\)/);

  await ok(['run', '-d', '--name', 'shared', '--ipc', 'shareable', '--shm-size', '8m', 'busybox', 'sleep', '300']);
  await ok(['exec', 'shared', 'sh', '-c', 'echo from-donor > /dev/shm/note']);
  const donorIpc = (await ok(['exec', 'shared', 'readlink', '/proc/self/ns/ipc'])).trim();
  const seen = await ok(['run', '--rm', '--ipc', 'container:shared', 'busybox', 'sh', '-c', 'readlink /proc/self/ns/ipc; cat /dev/shm/note; df -k /dev/shm | tail -1']);
  const [ipc, note, df] = seen.trim().split('\n');
  assert.deepEqual([ipc, note], [donorIpc, 'from-donor']);
  assert.match(df!, /^shm\s+8192\s/, 'the donor\'s ShmSize');
  await ok(['stop', '-t', '0', 'donor']);
  const stopped = await docker(['run', '--rm', '--pid', 'container:donor', 'busybox', 'true']);
  assert.match(stopped.stderr, /cannot join PID of a non running container: [0-9a-f]{64}/);
  await ok(['rm', '-f', 'donor', 'shared']);
  assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(`${f.d.dir}/`), 'no shm mount is left under the daemon directory');
});

test('--ipc none has no /dev/shm; --cgroupns private a cgroup namespace of its own, host the host\'s', { skip }, async () => {
  assert.equal((await docker(['run', '--rm', '--ipc', 'none', 'busybox', 'ls', '/dev/shm'])).code, 1);
  assert.equal((await ok(['run', '--rm', 'busybox', 'sh', '-c', 'ls -d /dev/shm'])).trim(), '/dev/shm');
  const host = readlinkSync('/proc/self/ns/cgroup');
  assert.notEqual((await ok(['run', '--rm', '--cgroupns', 'private', 'busybox', 'readlink', '/proc/self/ns/cgroup'])).trim(), host);
  assert.equal((await ok(['run', '--rm', '--cgroupns', 'host', 'busybox', 'readlink', '/proc/self/ns/cgroup'])).trim(), host);
});

test('modes that are not modes, and containers to join that are not there, are refused at create (400, not a 404 the CLI would take for a missing image)', { skip }, async () => {
  const api = f.d.client().api;
  const create = (hc: Record<string, unknown>) => api.json('POST', '/containers/create', { body: { Image: 'busybox', Cmd: ['true'], HostConfig: hc } });
  const refusal = (message: string) => (e: Error) => isKind(e, 'invalid-parameter') && e.message === message;
  await assert.rejects(create({ IpcMode: 'bogus' }), refusal('invalid IPC mode: bogus'));
  await assert.rejects(create({ PidMode: 'bogus' }), refusal('invalid PID mode: bogus'));
  await assert.rejects(create({ CgroupnsMode: 'bogus' }), refusal('invalid cgroup namespace mode: bogus'));
  await assert.rejects(create({ PidMode: 'container:nosuch' }), refusal('No such container: nosuch'));
  await assert.rejects(create({ IpcMode: 'container:nosuch' }), refusal('No such container: nosuch'));
});
