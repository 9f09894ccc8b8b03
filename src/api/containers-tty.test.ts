// Containers with a TTY through the real docker CLI on a real terminal: an interactive shell
// (prompt without a newline, typed input, exit code), the terminal size at start and after a
// resize, detaching with the escape keys and attaching again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { until, within } from '../testing/until.ts';
import { PtySession } from '../testing/pty.ts';

const skip = requires('docker', 'script', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const docker = f.docker;
const env = f.env;
const onPty = (command: string, size?: { rows: number; cols: number }) => new PtySession(command, { env: env(), ...size });

test('docker run -it: a shell prompt, typed commands, and the exit code', { skip }, async () => {
  const s = onPty('docker run -it --rm busybox sh');
  let at = await s.expect(/\/ # /);
  s.type('echo hi-$((6*7))\r');
  at = await s.expect(/hi-42/, { from: at });
  s.type('exit 5\r');
  assert.equal(await s.exited, 5, s.output);
});

test('the process starts with the client terminal size and follows a resize', { skip }, async () => {
  const s = onPty('docker run -it --rm busybox sh -c "stty size; read x; stty size"', { rows: 30, cols: 100 });
  await s.expect(/30 100/);
  const id = (await docker(['ps', '-q'])).stdout.trim();
  const api = f.d.client().api;
  const res = await api.request('POST', `/containers/${id}/resize`, { query: { h: '40', w: '120' } });
  res.resume();
  assert.equal(res.statusCode, 200);
  s.type('\r');
  await s.expect(/40 120/);
  assert.equal(await s.exited, 0, s.output);
  await assert.rejects(api.request('POST', `/containers/${id}/resize`, { query: { h: 'x', w: '1' } }), /strconv.Atoi: parsing "x": invalid syntax/);
});

test('ctrl-p ctrl-q detaches and leaves the shell running; attach reaches it again', { skip }, async () => {
  const first = onPty('docker run -it --name tty-detach busybox sh');
  await first.expect(/\/ # /);
  first.type('\x10\x11');
  assert.equal(await first.exited, 0, first.output);
  const ps = await docker(['inspect', '-f', '{{.State.Status}}', 'tty-detach']);
  assert.equal(ps.stdout.trim(), 'running');
  const again = onPty('docker attach tty-detach');
  await new Promise((r) => setTimeout(r, 500)); // attach is connected once the CLI has sent its resize
  again.type('echo back-$((1+1))\r');
  await again.expect(/back-2/);
  again.type('exit 3\r');
  assert.equal(await again.exited, 3, again.output);
});

test('the daemon honours detachKeys on a TTY for a client that does not do it itself', { skip }, async () => {
  const created = await docker(['run', '-d', '-i', '-t', '--name', 'keys', 'busybox', 'cat']);
  assert.equal(created.code, 0, created.stderr);
  // A client other than the docker CLI (which watches a terminal's input itself) relies on the
  // daemon; as in dockerd, it watches only a TTY's stdin.
  const api = f.d.client().api;
  const { socket } = await api.hijack('POST', '/containers/keys/attach', { query: { stream: '1', stdin: '1', stdout: '1', detachKeys: 'ctrl-x,y' } });
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.resume();
  socket.write('line-one\n\x18');
  socket.write('y more');
  await within('the daemon to let the client go after the keys', closed);
  assert.equal((await docker(['inspect', '-f', '{{.State.Status}}', 'keys'])).stdout.trim(), 'running');
  // The TTY's echo and cat's copy; the keys and what followed them never reached the container.
  await until('the input is in the log', async () => (await docker(['logs', 'keys'])).stdout === 'line-one\r\nline-one\r\n');
  // The CLI sends `until` in whole seconds: a moment ahead so the last second is in.
  const until_ = String(Math.ceil(Date.now() / 1000) + 1);
  const events = await docker(['events', '--since', '1m', '--until', until_, '--filter', 'container=keys', '--format', '{{.Action}}']);
  assert.match(events.stdout, /attach\ndetach\n/);
  await assert.rejects(api.hijack('POST', '/containers/keys/attach', { query: { stream: '1', stdin: '1', detachKeys: 'ctrl-' } }), /Invalid detach keys \(ctrl-\) provided/);

  // Without a TTY the keys are input like any other; the client's EOF ends the session.
  assert.equal((await docker(['run', '-d', '-i', '--name', 'plain-keys', 'busybox', 'cat'])).code, 0);
  const plain = await api.hijack('POST', '/containers/plain-keys/attach', { query: { stream: '1', stdin: '1', stdout: '1', detachKeys: 'ctrl-x,y' } });
  const plainClosed = new Promise((resolve) => plain.socket.on('close', resolve));
  plain.socket.resume();
  plain.socket.end('a\x18y b\n');
  await within('the daemon to close the session after the EOF from the client', plainClosed);
  await until('the keys reach cat', async () => (await docker(['logs', 'plain-keys'])).stdout === 'a\x18y b\n');
});

test('attach/ws: output as WebSocket frames, input from frames', { skip }, async () => {
  const { WebSocket } = await import('ws');
  assert.equal((await docker(['run', '-d', '-i', '--name', 'wsock', 'busybox', 'sh', '-c', 'read line; echo "got $line"; sleep 1'])).code, 0);
  const socket = f.d.host.replace('unix://', '');
  const ws = new WebSocket(`ws+unix://${socket}:/v1.56/containers/wsock/attach/ws?stream=1&stdin=1&stdout=1&stderr=1`);
  let got = '';
  const closed = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => (got += data.toString()));
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  await within('the WebSocket to open', new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject))));
  ws.send('hello\n');
  await within('the daemon to close the WebSocket when the container exits', closed);
  assert.equal(got, 'got hello\n');
  const missing = new WebSocket(`ws+unix://${socket}:/v1.56/containers/nope/attach/ws?stream=1`);
  const status = await within('the refusal of a missing container', new Promise((resolve) => missing.on('unexpected-response', (_req, res) => resolve(res.statusCode))));
  assert.equal(status, 404);
});
