// `berth __complete` as the shell scripts run it, with no daemon to ask: a daemon that is not
// there, that refuses, or that accepts and never answers. A TAB then completes no names, prints
// nothing on stderr (it would land in the user's prompt) and exits 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth } from '../../testing/run.ts';
import { freePort } from '../../testing/free-port.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-complete-'));
const env = { DOCKER_CONFIG: dir, DOCKER_HOST: `unix://${dir}/absent.sock`, BERTH_COMPLETION_DEBUG_FILE: '' };

// Accepts connections and never answers them.
const held = new Set<net.Socket>();
const silent = net.createServer((s) => void held.add(s));
after(() => {
  for (const s of held) s.destroy();
  silent.close();
  rmSync(dir, { recursive: true, force: true });
});

test('no daemon at the socket: the directive alone, nothing on stderr, exit 0', async () => {
  assert.deepEqual(await berth(['__complete', 'stop', ''], { env }), { code: 0, stdout: ':4\n', stderr: '' });
  assert.deepEqual(await berth(['__complete', 'rmi', 'bu'], { env }), { code: 0, stdout: ':4\n', stderr: '' });
  assert.deepEqual(await berth(['__complete', 'run', '--network', ''], { env }), { code: 0, stdout: ':4\n', stderr: '' });
  // Debug mode would trace the client's requests on stderr: not while completing.
  assert.deepEqual(await berth(['__complete', '-D', 'rm', ''], { env: { ...env, DOCKER_DEBUG: '1' } }), { code: 0, stdout: ':4\n', stderr: '' });
  // Commands need no daemon.
  assert.deepEqual(await berth(['__complete', 'ru'], { env }), { code: 0, stdout: 'run\tCreate and run a new container from an image\n:4\n', stderr: '' });
});

test('a refused connection (-H in the words) and a daemon that never answers: no names, exit 0', async () => {
  const port = await freePort();
  assert.deepEqual(await berth(['__complete', '-H', `tcp://127.0.0.1:${port}`, 'stop', ''], { env }), { code: 0, stdout: ':4\n', stderr: '' });
  const sock = join(dir, 'silent.sock');
  await new Promise<void>((resolve) => silent.listen(sock, resolve));
  assert.deepEqual(await berth(['__complete', 'volume', 'rm', ''], { env: { ...env, DOCKER_HOST: `unix://${sock}` } }), { code: 0, stdout: ':4\n', stderr: '' });
  assert.ok(held.size > 0, 'berth did connect to the silent daemon');
});

test('why no names came is traced to $BERTH_COMPLETION_DEBUG_FILE, and only there', async () => {
  const trace = join(dir, 'trace.log');
  const r = await berth(['__complete', 'stop', ''], { env: { ...env, BERTH_COMPLETION_DEBUG_FILE: trace } });
  assert.deepEqual(r, { code: 0, stdout: ':4\n', stderr: '' });
  assert.match(readFileSync(trace, 'utf8'), /completing running names failed.*Cannot connect to the berth daemon/);
});

test('context names come from the context store, with the default context', async () => {
  const create = await berth(['context', 'create', 'completion-remote', '--docker', 'host=tcp://127.0.0.1:1'], { env });
  assert.equal(create.code, 0, create.stderr);
  assert.deepEqual(await berth(['__complete', 'context', 'use', ''], { env }), { code: 0, stdout: 'completion-remote\ndefault\n:4\n', stderr: '' });
  assert.deepEqual(await berth(['__complete', '--context', 'def'], { env }), { code: 0, stdout: 'default\n:4\n', stderr: '' });
});
