// berth top and berth stats against a real berthd running busybox on runc.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { startBerthd, BERTH, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { importImage } from '../../testing/api.ts';
import { berth, run } from '../../testing/run.ts';

let d: Berthd;
const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/client` });

before(async () => {
  d = await startBerthd();
  await importImage(d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest' });
  const r = await berth(['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'sleep 1000 & exec sleep 2000'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  for (const c of (await d?.client().containers.list({ all: true })) ?? []) await d.client().containers.remove(c.Id, { force: true });
  await d?.cleanup();
});

test('berth top and berth container top, with ps options', async () => {
  const r = await berth(['top', 'web'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  // docker's table: columns at least 20 wide, 3 spaces of padding.
  assert.match(r.stdout, /^UID {17}PID {17}PPID {16}C {19}STIME {15}TTY {17}TIME {16}CMD\nroot {16}\d+ +\d+ .* sleep 2000\nroot {16}\d+ +\d+ .* sleep 1000\n$/);
  const aux = await berth(['container', 'top', 'web', 'aux'], { env: env() });
  assert.match(aux.stdout, /^USER +PID +%CPU +%MEM +VSZ +RSS +TTY +STAT +START +TIME +COMMAND\n/);
  const o = await berth(['top', 'web', '-o', 'pid,args'], { env: env() });
  assert.match(o.stdout, /^PID {17}COMMAND\n\d+ +sleep 2000\n\d+ +sleep 1000\n$/);
  const bad = await berth(['top', 'web', '-o', 'comm'], { env: env() });
  assert.deepEqual([bad.code, bad.stderr], [1, "Error response from daemon: Couldn't find PID field in ps output\n"]);
});

test('berth stats --no-stream: table, --no-trunc, --format, -a, errors', async () => {
  const r = await berth(['stats', '--no-stream'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CONTAINER ID   NAME      CPU %     MEM USAGE \/ LIMIT +MEM % +NET I\/O   BLOCK I\/O +PIDS\n[0-9a-f]{12}   web       \d+\.\d\d% +\d+(\.\d+)?[KM]iB \/ [\d.]+GiB +\d+\.\d\d% +0B \/ 0B   \S+ \/ \S+ +2\n$/);
  const full = await berth(['container', 'stats', '--no-stream', '--no-trunc', 'web'], { env: env() });
  assert.match(full.stdout, /\n[0-9a-f]{64}   web /);
  const fmt = await berth(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', 'web'], { env: env() });
  assert.match(fmt.stdout, /^web \d+(\.\d+)?[KM]iB \/ [\d.]+GiB\n$/);
  const json = JSON.parse((await berth(['stats', '--no-stream', '--format', 'json', 'web'], { env: env() })).stdout) as Record<string, string>;
  assert.deepEqual(Object.keys(json), ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs']);
  assert.equal(json.Container, 'web');
  await d.client().containers.create({ Image: 'busybox', Cmd: ['true'] }, 'idle');
  const all = await berth(['stats', '--no-stream', '-a', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}'], { env: env() });
  assert.deepEqual(all.stdout.split('\n').sort(), ['', 'idle 0.00% 0B / 0B 0', all.stdout.split('\n').find((l) => l.startsWith('web '))].sort());
  const missing = await berth(['stats', '--no-stream', 'nope', 'web'], { env: env() });
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'Error response from daemon: No such container: nope\n']);
});

test('berth stats: CPU % from the cpu/precpu deltas of a busy container', async () => {
  const busy = await berth(['run', '-d', '--name', 'busy', 'busybox', 'sh', '-c', 'while :; do :; done'], { env: env() });
  try {
    const r = await berth(['stats', '--no-stream', '--format', '{{.CPUPerc}}', 'busy'], { env: env() });
    const cpu = Number.parseFloat(r.stdout);
    // Its share depends on the machine's load (a 2-core machine at load 30 gives it ~6 %): what is
    // checked is that the deltas show a busy container busy and never more than the CPUs there are.
    assert.ok(cpu > 1 && cpu <= 100 * availableParallelism() + 10, `a spinning shell shows its share of the CPUs (${r.stdout.trim()})`);
  } finally {
    await berth(['rm', '-f', busy.stdout.trim()], { env: env() });
  }
});

test('berth stats (live): the table redrawn in place with ANSI escapes', async () => {
  const r = await run(process.execPath, [BERTH, 'stats', 'web'], { env: env(), timeoutMs: 2500 });
  const frames = r.stdout.split('\x1b[H').filter(Boolean);
  assert.ok(frames.length >= 2, `redrawn twice a second (${frames.length} frames)`);
  for (const f of frames) {
    assert.match(f, /^CONTAINER ID +NAME +CPU % .*PIDS\x1b\[K\n[0-9a-f]{12} +web +\d+\.\d\d% .* 2\x1b\[K\n\x1b\[K\n\x1b\[J$/);
  }
});
