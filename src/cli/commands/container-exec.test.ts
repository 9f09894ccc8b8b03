// berth exec against berthd, side by side with the real docker CLI: the same output, exit codes
// and errors; stdin with -i, a TTY of the terminal's size with -t, detached with -d.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth } from '../../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../../testing/requires.ts';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { PtySession } from '../../testing/pty.ts';
import { BERTH_EXECUTABLE } from '../../testing/berthd-harness.ts';
import { until } from '../../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({
  skip,
  setup: async (fx) => {
    const r = await fx.docker(['run', '-d', '--name', 'target', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  },
});
const both = async (args: string[], input?: string) => {
  const b = await berth(args, { env: f.env(), ...(input !== undefined && { input }) });
  const d = await f.docker(args, input);
  return { b, d };
};

test('output, exit codes and errors are docker\'s', { skip }, async () => {
  for (const args of [
    ['exec', 'target', 'sh', '-c', 'echo out; echo err >&2; exit 3'],
    ['exec', '-e', 'A=1', '-w', '/tmp', '-u', 'nobody', 'target', 'sh', '-c', 'echo $A $(pwd) $(id -u)'],
    ['exec', 'target', 'nosuch'],
    ['exec', 'nope', 'true'],
  ]) {
    const { b, d } = await both(args);
    assert.deepEqual({ code: b.code, stdout: b.stdout, stderr: b.stderr }, { code: d.code, stdout: d.stdout, stderr: d.stderr }, args.join(' '));
  }
});

test('-i passes stdin; -d runs in the background', { skip }, async () => {
  const { b, d } = await both(['exec', '-i', 'target', 'wc', '-l'], 'a\nb\n');
  assert.deepEqual([b.code, b.stdout.trim()], [d.code, d.stdout.trim()]);
  assert.equal(b.stdout.trim(), '2');
  assert.equal((await berth(['exec', '-d', 'target', 'touch', '/tmp/bg'], { env: f.env() })).code, 0);
  await until('the background exec has made /tmp/bg', async () => (await f.docker(['exec', 'target', 'test', '-e', '/tmp/bg'])).code === 0, { stepMs: 100 });
});

test('-it: a terminal of the client\'s size, typed input, the exit code', { skip }, async () => {
  const s = new PtySession(`${BERTH_EXECUTABLE} exec -it target sh`, { env: f.env(), rows: 21, cols: 67 });
  await s.expect(/# /);
  s.type('stty size\r');
  await s.expect(/21 67/);
  s.type('exit 4\r');
  assert.equal(await s.exited, 4, s.output);
});
