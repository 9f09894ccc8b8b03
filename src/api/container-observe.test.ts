// docker top and docker stats against berthd, with real runc containers: the real docker CLI
// for what users see, the API directly for the stream's shape (precpu chaining, zeros for a
// stopped container, the end of the stream when the container goes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { run } from '../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { readText } from '../client/api-client.ts';
import { within } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
let svcId: string;
const f = useBusyboxDaemon({
  skip,
  setup: async () => {
    const r = await docker(['run', '-d', '--name', 'svc', 'busybox', 'sh', '-c', 'sleep 1000 & exec sleep 2000']);
    assert.equal(r.code, 0, r.stderr);
    svcId = r.stdout.trim();
    assert.equal((await docker(['create', '--name', 'idle', 'busybox', 'true'])).code, 0);
  },
});
const docker = (args: string[]) => f.docker(args);
type Stats = Record<string, any>; // the wire JSON, read field by field

/** The first `n` objects of a stats stream, then the connection is dropped. */
async function statsObjects(id: string, query: Record<string, string>, n: number): Promise<Stats[]> {
  const res = await f.d.client().api.request('GET', `/containers/${id}/stats`, { query });
  const out: Stats[] = [];
  await within(`${n} stats objects of ${id}`, (async () => {
    for await (const line of createInterface({ input: res })) {
      out.push(JSON.parse(line) as Stats);
      if (out.length === n) break;
    }
  })(), 30_000);
  res.destroy();
  return out;
}

test('docker top: ps -ef rows of the container\'s processes only', { skip }, async () => {
  const r = await docker(['top', 'svc']);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = r.stdout.trimEnd().split('\n');
  assert.match(header!, /^UID +PID +PPID +C +STIME +TTY +TIME +CMD$/);
  assert.equal(rows.length, 2, r.stdout);
  assert.match(rows[0]!, / sleep 2000$/);
  assert.match(rows[1]!, / sleep 1000$/);
  const pid = (await docker(['inspect', '--format', '{{.State.Pid}}', 'svc'])).stdout.trim();
  assert.equal(rows[0]!.split(/ +/)[1], pid, 'host pids, as dockerd shows them');
  const aux = await docker(['top', 'svc', 'aux']);
  assert.match(aux.stdout, /^USER +PID +%CPU +%MEM +VSZ +RSS +TTY +STAT +START +TIME +COMMAND\n/);
  assert.equal(aux.stdout.trimEnd().split('\n').length, 3);
  const cols = await docker(['top', 'svc', '-o', 'pid,args']);
  assert.match(cols.stdout, /^PID +COMMAND\n\d+ +sleep 2000\n\d+ +sleep 1000\n$/);
});

test('docker top: dockerd\'s errors', { skip }, async () => {
  const stopped = await docker(['top', 'idle']);
  const idleId = (await docker(['inspect', '--format', '{{.Id}}', 'idle'])).stdout.trim();
  assert.deepEqual([stopped.code, stopped.stderr], [1, `Error response from daemon: container ${idleId} is not running\n`]);
  const conflict = await f.d.client().api.request('GET', '/containers/idle/top').catch((e: Error & { kind: string }) => e.kind);
  assert.equal(conflict, 'conflict');
  assert.match((await docker(['top', 'svc', '--no-such-option'])).stderr, /^Error response from daemon: ps: error: unknown gnu long option\n$/);
  assert.equal((await docker(['top', 'svc', '-o', 'comm'])).stderr, "Error response from daemon: Couldn't find PID field in ps output\n");
  assert.equal((await docker(['top', 'svc', '-o', 'user=PID'])).stderr, 'Error response from daemon: specifying "user=PID" is not allowed\n');
  assert.equal((await docker(['top', 'nope'])).stderr, 'Error response from daemon: No such container: nope\n');
});

test('docker top works on a paused container', { skip }, async () => {
  const runc = (cmd: string) => run('runc', ['--root', join(f.d.dir, 'exec', 'runc'), cmd, svcId]);
  assert.equal((await runc('pause')).code, 0);
  try {
    const r = await docker(['top', 'svc']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, 3);
  } finally {
    assert.equal((await runc('resume')).code, 0);
  }
});

test('docker stats --no-stream: the table, with memory in use by a running sleep', { skip }, async () => {
  const r = await docker(['stats', '--no-stream']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
  assert.equal(lines.length, 2, 'only running containers without -a');
  const m = /^([0-9a-f]{12}) +svc +(\d+\.\d\d)% +(\S+) \/ (\S+) +(\d+\.\d\d)% +0B \/ 0B +\S+ \/ \S+ +2$/.exec(lines[1]!);
  assert.ok(m, lines[1]);
  assert.equal(m[1], svcId.slice(0, 12));
  assert.doesNotMatch(m[3]!, /^0B$/, 'memory usage > 0');
  assert.match(m[4]!, /^\d+(\.\d+)?GiB$/, 'no limit: the machine\'s memory');
  const all = await docker(['stats', '--no-stream', '-a']);
  assert.match(all.stdout, /\n[0-9a-f]{12} +idle +0\.00% +0B \/ 0B +0\.00% +0B \/ 0B +0B \/ 0B +0\n/);
  const fmt = await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', 'svc']);
  assert.match(fmt.stdout, /^svc \d+(\.\d+)?[KM]iB \/ \d+(\.\d+)?GiB\n$/);
  assert.equal((await docker(['stats', '--no-stream', 'nope'])).stderr, 'Error response from daemon: No such container: nope\n');
});

test('docker stats (live) follows the stream and redraws', { skip }, async () => {
  const r = await run('docker', ['stats'], { env: { DOCKER_HOST: f.d.host, DOCKER_CONFIG: join(f.dir, 'config') }, timeoutMs: 3000 });
  const frames = r.stdout.split('\x1b[H').filter(Boolean);
  assert.ok(frames.length >= 3, r.stdout + r.stderr);
  assert.match(frames.at(-1)!, /\n[0-9a-f]{12} +svc +\d+\.\d\d% +\d+(\.\d+)?[KM]iB \/ /);
});

test('stats stream: one object a second, precpu_stats is the previous cpu_stats', { skip }, async () => {
  const started = Date.now();
  const [a, b, c] = await statsObjects('svc', {}, 3);
  assert.ok(Date.now() - started >= 1800, 'a second between samples');
  assert.deepEqual(b!.precpu_stats, a!.cpu_stats);
  assert.deepEqual(c!.precpu_stats, b!.cpu_stats);
  assert.equal(b!.preread, a!.read);
  assert.equal(a!.preread, '0001-01-01T00:00:00Z', 'the first has no previous sample');
  assert.equal(a!.precpu_stats.cpu_usage.total_usage, 0);
  assert.deepEqual([b!.id, b!.name, b!.os_type, b!.num_procs], [svcId, '/svc', 'linux', 0]);
  assert.ok(b!.cpu_stats.system_cpu_usage > a!.cpu_stats.system_cpu_usage);
  assert.ok(b!.cpu_stats.online_cpus >= 1);
  assert.ok(b!.memory_stats.usage > 0 && b!.memory_stats.limit > 0);
  assert.equal(b!.pids_stats.current, 2);
  assert.equal(b!.networks, undefined, 'no network, no networks');
  assert.deepEqual(b!.storage_stats, {});
  assert.ok(Array.isArray(b!.blkio_stats.io_service_bytes_recursive));
});

test('stats stream=false takes two samples; one-shot takes one', { skip }, async () => {
  let t = Date.now();
  const res = await f.d.client().api.request('GET', '/containers/svc/stats', { query: { stream: 'false' } });
  assert.equal(res.headers['content-type'], 'application/json');
  const two = JSON.parse(await within('the two-sample stats', readText(res))) as Stats;
  assert.ok(Date.now() - t >= 900, 'waited for a second sample');
  assert.ok(two.precpu_stats.system_cpu_usage > 0 && two.preread !== '0001-01-01T00:00:00Z');
  t = Date.now();
  const [one] = await statsObjects('svc', { stream: 'false', 'one-shot': 'true' }, 1);
  assert.ok(Date.now() - t < 900, 'no wait');
  assert.equal(one!.preread, '0001-01-01T00:00:00Z');
  assert.ok(one!.memory_stats.usage > 0);
});

test('stats of a stopped container: zeros, streamed too; the stream ends when it is removed', { skip }, async () => {
  const [once] = await statsObjects('idle', { stream: 'false' }, 1);
  assert.equal(once!.read, '0001-01-01T00:00:00Z');
  assert.deepEqual(once!.memory_stats, {});
  assert.deepEqual(once!.cpu_stats, { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } });
  assert.equal(once!.blkio_stats.io_service_bytes_recursive, null);
  const streamed = await statsObjects('idle', {}, 2);
  assert.equal(streamed.length, 2);
  assert.equal(streamed[1]!.read, '0001-01-01T00:00:00Z');
  await docker(['create', '--name', 'brief', 'busybox', 'true']);
  const res = await f.d.client().api.request('GET', '/containers/brief/stats');
  const body = readText(res);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await docker(['rm', 'brief'])).code, 0);
  const lines = (await within('the stats stream to end after the removal', body)).trim().split('\n');
  assert.ok(lines.length >= 1 && lines.length <= 3, 'the stream ended after the removal');
  await assert.rejects(f.d.client().api.request('GET', '/containers/nope/stats'), { kind: 'not-found' });
});

test('top is an event', { skip }, async () => {
  const r = await docker(['events', '--since', '0', '--until', `${Math.ceil(Date.now() / 1000)}`, '--filter', 'event=top', '--format', '{{.Actor.Attributes.name}}']);
  assert.match(r.stdout, /^svc$/m);
});
