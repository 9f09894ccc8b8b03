// docker-py (Debian's python3-docker, run by Debian's python3) against berthd: the container
// calls a Python program makes — run with output, exec_run (plain and streamed), pause, top,
// one-shot stats, kill, wait, logs, remove — and its exec streams as dockerd serves them: a TTY
// exec read with the default start (frames), raw, demultiplexed, detach keys from config.json,
// a half-closed socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../testing/run.ts';
import { until } from '../testing/until.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';

const PYTHON = '/usr/bin/python3';
const skip = requires('docker-py', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });

const SCRIPT = String.raw`
import docker, json
c = docker.from_env()
out = {}
out['run'] = c.containers.run('busybox', 'echo hi-from-py', remove=True).decode()
ct = c.containers.run('busybox', 'sleep 100', detach=True, name='py-box')
r = ct.exec_run('sh -c "echo ex; exit 3"')
out['exec'] = [r.exit_code, r.output.decode()]
out['streamed'] = b''.join(ct.exec_run('echo streamed', stream=True).output).decode()
ct.pause(); ct.reload(); out['paused'] = ct.status; ct.unpause(); ct.reload(); out['unpaused'] = ct.status
out['top'] = ct.top()['Titles'][:2]
out['stats'] = sorted(k for k in ct.stats(stream=False) if k in ('cpu_stats', 'memory_stats', 'precpu_stats'))
ct.kill()
out['wait'] = ct.wait()['StatusCode']
ct.remove()
out['left'] = len(c.containers.list(all=True))
print(json.dumps(out))
`;

test('docker-py runs, execs, pauses, observes and removes containers', { skip }, async () => {
  const r = await run(PYTHON, ['-c', SCRIPT], { env: { DOCKER_HOST: f.d.host }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    run: 'hi-from-py\n', exec: [3, 'ex\n'], streamed: 'streamed\n', paused: 'paused', unpaused: 'running',
    top: ['UID', 'PID'], stats: ['cpu_stats', 'memory_stats', 'precpu_stats'], wait: 137, left: 0,
  });
});

const STREAMS = String.raw`
import docker, json, socket
from docker.utils.socket import read
c = docker.from_env()
api = c.api
ct = c.containers.run('busybox', 'sleep 100', detach=True, name='py-streams')
HELLO = ['sh', '-c', 'echo hello out; echo hello err >&2']
out = {}
def ex(cmd, **kw):
    return api.exec_create(ct.id, cmd, **kw)['Id']
def read_until(s, done):
    data = b''
    while not done(data):
        chunk = read(s, 4096)
        if not chunk:
            break
        data += chunk
    return data
out['tty'] = api.exec_start(ex(HELLO, tty=True)).decode()
s = api.exec_start(ex(HELLO, tty=True), socket=True)
out['header'] = list(read_until(s, lambda d: False)[:4])
out['raw'] = api.exec_start(ex(HELLO, tty=True), tty=True).decode()
out['demux'] = [x.decode() for x in api.exec_start(ex(HELLO), demux=True)]
i = ex('cat', stdin=True, tty=True)
out['keys'] = api.exec_inspect(i)['DetachKeys']
s = api.exec_start(i, socket=True, tty=True)
s._sock.sendall(b'abc\n')
seen = read_until(s, lambda d: d.count(b'abc') == 2)
s._sock.sendall(b'\x10')
out['detached'] = (seen + read_until(s, lambda d: False)).decode()
out['running'] = api.exec_inspect(i)['Running']
s = api.exec_start(ex(['sh', '-c', 'cat; echo done'], stdin=True), socket=True)
s._sock.sendall(b'abc\n')
s._sock.shutdown(socket.SHUT_WR)
data = read_until(s, lambda d: False)
# Consecutive frames of one stream joined: where a chunk ends is the pipe's timing (cat's line
# and echo's can arrive in one read), not part of the protocol.
frames = []
while data:
    size = int.from_bytes(data[4:8], 'big')
    if frames and frames[-1][0] == data[0]:
        frames[-1][1] += data[8:8 + size].decode()
    else:
        frames.append([data[0], data[8:8 + size].decode()])
    data = data[8 + size:]
out['halfclose'] = frames
ct.remove(force=True)
print(json.dumps(out))
`;

test('docker-py exec streams: framing by the start request, detach keys from config.json, half-close', { skip }, async () => {
  const config = join(f.dir, 'py-config');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-p' }));
  const r = await run(PYTHON, ['-c', STREAMS], { env: { DOCKER_HOST: f.d.host, DOCKER_CONFIG: config }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    tty: 'hello out\r\nhello err\r\n', header: [1, 0, 0, 0], raw: 'hello out\r\nhello err\r\n',
    demux: ['hello out\n', 'hello err\n'], keys: 'EA==',
    detached: 'abc\r\nabc\r\nexec attach failed: error on attach stdin: read escape sequence\r\n', running: true,
    halfclose: [[1, 'abc\ndone\n']],
  });
});

const AUTO_REMOVE = String.raw`
import docker, json, time
c = docker.from_env()
out = []
# run(): create, start, logs (which inspects first), then wait. The command outlives the logs
# request by a second: a container gone before it is a 404 on dockerd too (NotFound).
try:
    c.containers.run('busybox', 'sh -c "sleep 1; exit 3"', auto_remove=True)
    out.append('no error')
except docker.errors.ContainerError as e:
    out.append(e.exit_status)
# The wait after the container removed itself (what run() does when the command ends between
# its logs request and its wait): the exit status, by the full id.
ct = c.api.create_container('busybox', 'sh -c "exit 3"', host_config=c.api.create_host_config(auto_remove=True))
c.api.start(ct['Id'])
deadline = time.time() + 30
while time.time() < deadline:
    try:
        c.api.inspect_container(ct['Id'])
        time.sleep(0.02)
    except docker.errors.NotFound:
        break
out.append(c.api.wait(ct['Id']))
print(json.dumps(out))
`;

test('docker-py run with auto_remove reports the exit status even when the container is gone before its wait', { skip }, async () => {
  const r = await run(PYTHON, ['-c', AUTO_REMOVE], { env: { DOCKER_HOST: f.d.host }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [3, { StatusCode: 3, Error: null }]);
  const api = f.d.client().api;
  const { Id } = await api.json<{ Id: string }>('POST', '/containers/create', { query: { name: 'gone-soon' }, body: { Image: 'busybox', Cmd: ['sh', '-c', 'exit 4'], HostConfig: { AutoRemove: true } } });
  await api.request('POST', `/containers/${Id}/start`);
  await until('it removed itself', async () => (await api.request('GET', `/containers/${Id}/json`).then(() => false, () => true)));
  assert.deepEqual(await api.json('POST', `/containers/${Id}/wait`), { StatusCode: 4, Error: null }, 'by its full id, its last exit');
  await assert.rejects(api.json('POST', '/containers/gone-soon/wait'), /No such container: gone-soon/, 'by name: gone, as dockerd says');
});
