// Socket activation as systemd does it, with systemd's own tool (systemd-socket-activate binds
// the socket, passes it as fd 3 with LISTEN_FDS/LISTEN_PID, and execs berthd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { Berthd } from '../testing/berthd-harness.ts';
import { createClient } from '../client/index.ts';
import { requires } from '../testing/requires.ts';
import { until } from '../testing/until.ts';
import { activatedFds, fdsFor } from './socket-activation.ts';

const ACTIVATE = '/usr/bin/systemd-socket-activate';

test('the variables are ours only when LISTEN_PID is this process, and are removed', () => {
  const env: NodeJS.ProcessEnv = { LISTEN_PID: '1', LISTEN_FDS: '2' };
  // A second read returns what the first took (the variables are gone by then).
  const first = activatedFds(env);
  assert.equal(env.LISTEN_FDS, undefined);
  assert.deepEqual(first.fds, []);
  assert.throws(() => fdsFor('fd://', first), /no sockets were passed by the service manager for fd:\/\//);
  assert.deepEqual(fdsFor('fd://', { fds: [3, 4], names: [] }), [3, 4]);
  assert.deepEqual(fdsFor('fd://4', { fds: [3, 4], names: [] }), [4]);
  assert.throws(() => fdsFor('fd://5', { fds: [3, 4], names: [] }), /descriptor 5 was not passed \(the service manager passed 3, 4\)/);
});

test('berthd -H fd:// serves the socket systemd-socket-activate passed it', { skip: requires('root', 'socket-activate') }, async () => {
  const d = new Berthd();
  const activated = join(d.dir, 'activated.sock');
  const daemon = new Berthd({ dir: d.dir, wrap: [ACTIVATE, '-l', activated], args: ['-H', 'fd://'] });
  try {
    // The tool execs berthd on the first connection (as systemd starts a service for its
    // socket's first client): that request waits in the socket's queue and is answered.
    const started = daemon.start();
    await until('the activated socket to exist', () => existsSync(activated), { timeoutMs: 10_000 });
    const client = createClient({ endpoint: { host: `unix://${activated}` } });
    const version = (await client.system.version()) as { ApiVersion: string };
    await started;
    assert.match(daemon.log, /API listen on activated socket.*fd=3 addr=\S*activated\.sock/, daemon.log);
    assert.match(version.ApiVersion, /^1\.\d+$/);
    await daemon.stop();
    // The service manager owns the socket file: berthd leaves it where it is.
    assert.ok(existsSync(activated));
  } finally {
    await daemon.cleanup();
    // The daemon was given d's directory, so only d removes it.
    await d.cleanup();
  }
});

test('berthd -H fd:// without activation refuses to start, saying why', { skip: requires('root') }, async () => {
  const d = new Berthd({ args: ['-H', 'fd://'] });
  try {
    await assert.rejects(d.start(), /no sockets were passed by the service manager for fd:\/\//);
  } finally {
    await d.cleanup();
  }
});
