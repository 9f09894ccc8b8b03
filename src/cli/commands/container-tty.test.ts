// TTY sessions in a pseudo-terminal (script(1)): run -it, the detach keys, attach with other keys
// and start -ai. berth's transcript must be docker's byte for byte (raw mode, \r\n, exit codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BERTH } from '../../testing/berthd-harness.ts';
import { requires, RUNS_CONTAINERS } from '../../testing/requires.ts';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';

const skip = requires('docker', 'script', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const env = () => ({ ...process.env, ...f.env() });

/**
 * Runs `shell` in a fresh pty. Each step waits until the output since the last step contains
 * `after` and has then been quiet for a moment (a TTY redraws its prompt when resized), then
 * types `send`.
 */
function ptySession(shell: string, steps: [after: string, send: string][]): Promise<string> {
  const child = spawn('script', ['-qec', `stty rows 30 cols 100; ${shell}`, '/dev/null'], { env: env() });
  let out = '';
  let from = 0;
  let step = 0;
  let quiet: NodeJS.Timeout | undefined;
  const advance = () => {
    if (step >= steps.length || !out.slice(from).includes(steps[step]![0])) return;
    from = out.length;
    child.stdin.write(steps[step++]![1]);
    if (step === steps.length) child.stdin.end();
  };
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('latin1');
    clearTimeout(quiet);
    quiet = setTimeout(advance, 300);
  });
  // A session that prints nothing at first (a shell already at its prompt) still gets its input.
  quiet = setTimeout(advance, 1000);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', () => (clearTimeout(timer), clearTimeout(quiet), resolve(out))));
}

test('run -it, detach, attach with other keys, start -ai: docker\'s transcript', { skip }, async (t) => {
  const transcript = async (bin: string, name: string) => {
    const prompt = '/ # \x1b[6n';
    const a = await ptySession(`${bin} run -it --name ${name} busybox sh; echo rc=$?`, [[prompt, 'echo abc; stty size\n'], ['30 100\r\n/ # ', '\x10\x11']]);
    const b = await ptySession(`${bin} attach --detach-keys ctrl-a,ctrl-b ${name}; echo rc=$?`, [['/ # ', 'echo again\n'], ['again\r\n/ # ', '\x01\x02']]);
    // The shell is still running (detached, not stopped): start -ai attaches to it.
    const c = await ptySession(`${bin} start -ai ${name}; echo rc=$?`, [['', 'exit 4\n']]);
    return [a, b, c];
  };
  // Two SIGWINCHs in a row (attach resizes to +1 and back, as docker's CLI does) make the shell
  // redraw its prompt once or twice, as the scheduler has it: a run of redraws counts as one.
  const redraws = (parts: string[]) => parts.map((p) => p.replace(/(\r\/ # \x1b\[J)+/g, '\r/ # \x1b[J'));
  const theirs = redraws(await transcript('docker', 'tty-docker'));
  const ours = redraws(await transcript(`"${process.execPath}" -- "${BERTH}"`, 'tty-berth'));
  assert.deepEqual(ours, theirs);
  assert.match(ours[0]!, /abc\r\n30 100\r\n.*rc=0\r\n$/s);
  assert.match(ours[1]!, /read escape sequence\r\nrc=1\r\n$/);
  assert.match(ours[2]!, /rc=4\r\n$/);
});
