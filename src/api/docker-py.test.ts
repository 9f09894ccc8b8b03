// docker-py (Debian's python3-docker, run by Debian's python3) against berthd: the container
// calls a Python program makes — run with output, exec_run (plain and streamed), pause, top,
// one-shot stats, kill, wait, logs, remove.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { run } from '../testing/run.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const PYTHON = '/usr/bin/python3';
const skip = spawnSync(PYTHON, ['-c', 'import docker'], { stdio: 'ignore' }).status === 0 ? false : 'python3-docker is not installed';
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
