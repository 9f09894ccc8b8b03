import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePsOutput } from './ps-output.ts';
import { validatePsArgs } from './container-top.ts';

const ps = (text: string, pids: number[]) => parsePsOutput(Buffer.from(text), pids);

test('ps -ef: only the container\'s pids; the command keeps its spaces', () => {
  const out = ps(
    'UID          PID    PPID  C STIME TTY          TIME CMD\n' +
    'root           1       0  0 03:20 ?        00:00:06 /sbin/init splash\n' +
    'root        7832    7820  5 03:36 ?        00:00:00 sleep 200\n' +
    'root        7847    7832  0 03:36 ?        00:00:00 sleep 100\n',
    [7832, 7847],
  );
  assert.deepEqual(out.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(out.Processes, [
    ['root', '7832', '7820', '5', '03:36', '?', '00:00:00', 'sleep 200'],
    ['root', '7847', '7832', '0', '03:36', '?', '00:00:00', 'sleep 100'],
  ]);
});

test('a first column with spaces is split at the blank column left of the next header', () => {
  // ps -e -o cmd,ppid,pid: the command may contain numbers that look like another pid.
  const out = ps(
    'CMD                          PPID   PID\n' +
    '/bin/bash /st 28808             1 15468\n' +
    'redis-server *:28808        15468 15497\n',
    [15497, 28808],
  );
  assert.deepEqual(out.Processes, [['redis-server *:28808', '15468', '15497']]);
});

test('thread rows ("-" pid, ps -m) follow their process; others do not', () => {
  const out = ps(
    '  PID TTY      STAT   TIME COMMAND\n' +
    '    5 ?        -      0:00 other\n' +
    '    - -        S      0:00 -\n' +
    '   10 ?        -      0:00 mine\n' +
    '    - -        S      0:00 -\n',
    [10],
  );
  assert.deepEqual(out.Processes, [['10', '?', '-', '0:00', 'mine'], ['-', '-', 'S', '0:00', '-']]);
});

test('no matching process, UTF-8 commands, errors as dockerd words them', () => {
  assert.equal(ps('  PID CMD\n    1 init\n', [2]).Processes, null);
  assert.deepEqual(ps('  PID CMD\n    7 café ☕\n', [7]).Processes, [['7', 'café ☕']]);
  assert.throws(() => ps('USER COMMAND\nroot sh\n', [1]), { message: "Couldn't find PID field in ps output" });
  assert.throws(() => ps('PID CMD\nabc sh\n', [1]), { message: 'Unexpected pid \'abc\': strconv.Atoi: parsing "abc": invalid syntax' });
});

test('ps_args may not rename a column to PID', () => {
  assert.doesNotThrow(() => validatePsArgs('-o pid,comm'));
  assert.doesNotThrow(() => validatePsArgs('-o pid=PID'));
  assert.throws(() => validatePsArgs('-o user=PID'), { message: 'specifying "user=PID" is not allowed' });
  assert.throws(() => validatePsArgs('-o comm= PIDX'), { message: 'specifying "comm=PIDX" is not allowed' });
});
