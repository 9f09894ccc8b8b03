import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, within } from '../testing/until.ts';
import { pings, processTree, programOf, startTimed, treeMemory } from './startup-daemons.ts';
import { stopChild } from './daemons.ts';
import { bareNodeArgv, berthdInitMs } from './startup-rounds.ts';

test('a daemon is ready when its socket answers /_ping, and stopping it ends it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'startup-daemons-'));
  const sock = join(dir, 'node.sock');
  try {
    assert.equal(await pings(sock), false);
    const d = await startTimed(bareNodeArgv(process.execPath, sock), sock, join(dir, 'log'));
    assert.ok(d.readyMs > 0);
    assert.equal(await pings(sock), true);
    const mem = treeMemory(processTree(d.child.pid!));
    assert.deepEqual(mem.programs, ['node']);
    assert.ok(mem.pssMiB > 0 && mem.pssMiB <= mem.rssMiB, `PSS ${mem.pssMiB} within RSS ${mem.rssMiB}`);
    await within('the server to stop', stopChild(d.child));
    assert.notEqual(d.child.signalCode ?? d.child.exitCode, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process tree holds the children of children, and nothing else', async () => {
  // sh → a subshell (kept by the `; true`, which stops sh from exec'ing sleep in its place) → sleep.
  const child = spawn('sh', ['-c', '(sleep 30; true) & wait'], { stdio: 'ignore', detached: true });
  try {
    const programs = () => treeMemory(processTree(child.pid!)).programs;
    await until('the sleep to start under the subshell', () => programs().includes('sleep'));
    const tree = processTree(child.pid!);
    assert.equal(tree[0], child.pid);
    assert.deepEqual(programs(), ['sh', 'sh', 'sleep'], `tree ${tree.join(' ')}`);
    assert.ok(!tree.includes(process.pid));
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
  }
});

test('the program of a command line: the executable, or the script node runs', () => {
  assert.equal(programOf(['/usr/bin/containerd', '--config', 'x']), 'containerd');
  assert.equal(programOf(['node', '/repo/bin/berthd', '-H', 'unix:///s']), 'berthd');
  assert.equal(programOf(['/usr/local/bin/node', '--enable-source-maps', '/repo/dist/bin/berth-dns.js']), 'berth-dns');
  assert.equal(programOf(['node', '-e', 'require("x")', '/s']), 'node');
});

test("berthd's own start figure is the last initialization line's ms=", () => {
  const log = [
    'time="t" level=info msg="Daemon has completed initialization" version=0.1.0 ms=380',
    'time="t" level=info msg="API listen on unix socket" path=/x ms=9',
    'time="t" level=info msg="Daemon has completed initialization" version=0.1.0 ms=241',
  ].join('\n');
  assert.equal(berthdInitMs(log), 241);
  assert.equal(berthdInitMs('time="t" level=info msg="API listen on unix socket"'), undefined);
});
