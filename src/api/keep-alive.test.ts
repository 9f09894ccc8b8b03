// Many requests on one keep-alive connection must leave nothing behind on it: streaming routes
// (logs, stats, events, export) once added a `close` listener per request to the socket, and
// Node warned after the 11th (MaxListenersExceededWarning). Checked two ways: the listener
// counts on the server's side of the connection (the API server in this process, over the real
// routers), and a real berthd's log after the same traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createApiServer } from './server.ts';
import { lifecycleRoutes, type LifecycleBackend } from './routers/container-lifecycle.ts';
import { observeRoutes, type ContainerObserveBackend } from './routers/container-observe.ts';
import { eventsRoutes, type EventsBackend } from './routers/events.ts';
import { containerFilesRoutes, type ContainerFilesBackend } from './routers/container-files.ts';
import { createLogger } from '../lib/logger.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const ROUNDS = 50;

interface Got {
  status: number;
  reused: boolean;
}

/** One request on `agent` (one socket, kept alive), read to its end. */
function get(agent: http.Agent, opts: http.RequestOptions): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...opts, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${opts.path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

const PATHS = ['/v1.56/containers/c/logs?stdout=1&stderr=1', '/v1.56/containers/c/stats?stream=0&one-shot=1', '/v1.56/events?since=0&until=1', '/v1.56/containers/c/export'];

/** The real routers over backends that answer at once: only the server's side is under test. */
function inProcessServer(): http.Server {
  const lifecycle = { logs: () => ({ tty: false, lines: Readable.from([[{ stream: 'stdout', time: '', line: Buffer.from('hi\n') }]]) }) } as unknown as LifecycleBackend;
  const observe = { stats: async () => Readable.from([{ read: '' }]) } as unknown as ContainerObserveBackend;
  const events: EventsBackend = { history: () => [], subscribe: () => () => undefined };
  const files = { export: async () => Readable.from([Buffer.alloc(1024)]) } as unknown as ContainerFilesBackend;
  const routes = [...lifecycleRoutes(lifecycle), ...observeRoutes(observe), ...eventsRoutes(events), ...containerFilesRoutes(files)];
  return createApiServer({ routes, logger: createLogger('error'), serverHeader: 'berth/test (linux)' });
}

/** Every event's listener count on a socket. */
function listenerCounts(s: Socket): Record<string, number> {
  return Object.fromEntries(s.eventNames().map((n) => [String(n), s.listenerCount(n)]));
}

test(`${ROUNDS} streaming requests on one connection leave its listener counts where they were`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-keepalive-'));
  const server = inProcessServer();
  const sockets: Socket[] = [];
  server.on('connection', (s: Socket) => sockets.push(s));
  const warnings: Error[] = [];
  const onWarning = (w: Error): number => warnings.push(w);
  process.on('warning', onWarning);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await new Promise<void>((r) => server.listen(join(dir, 'api.sock'), r));
    const socketPath = join(dir, 'api.sock');
    for (const path of PATHS) assert.equal((await get(agent, { socketPath, path })).status, 200, path);
    assert.equal(sockets.length, 1, 'one connection');
    const baseline = listenerCounts(sockets[0]!);
    for (let i = 0; i < ROUNDS; i++) {
      for (const path of PATHS) {
        const r = await get(agent, { socketPath, path });
        assert.equal(r.status, 200, path);
        assert.ok(r.reused, `${path}: the same connection`);
      }
    }
    assert.equal(sockets.length, 1, 'still one connection');
    assert.deepEqual(listenerCounts(sockets[0]!), baseline);
    assert.deepEqual(warnings.map((w) => w.name), []);
  } finally {
    process.off('warning', onWarning);
    agent.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a big export to a slow reader leaves no listener behind per wait for the socket to drain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-keepalive-'));
  // 32 MiB in 16 KiB pieces: the reader below makes the server wait on most of them.
  const files = { export: async () => Readable.from((function* () { for (let i = 0; i < 2048; i++) yield Buffer.alloc(16 * 1024, i); })()) } as unknown as ContainerFilesBackend;
  const server = createApiServer({ routes: containerFilesRoutes(files), logger: createLogger('error'), serverHeader: 'berth/test (linux)' });
  const warnings: Error[] = [];
  const onWarning = (w: Error): number => warnings.push(w);
  process.on('warning', onWarning);
  try {
    await new Promise<void>((r) => server.listen(join(dir, 'api.sock'), r));
    const received = await new Promise<number>((resolve, reject) => {
      http.get({ socketPath: join(dir, 'api.sock'), path: '/v1.56/containers/c/export' }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          res.pause();
          setImmediate(() => res.resume());
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      }).on('error', reject);
    });
    assert.equal(received, 2048 * 16 * 1024);
    assert.deepEqual(warnings.map((w) => `${w.name}: ${w.message}`), []);
  } finally {
    process.off('warning', onWarning);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

const f = useBusyboxDaemon();

test(`berthd: ${ROUNDS} logs, stats, events and top requests on one connection, no listener warning`, async () => {
  const api = f.d.client().api;
  await api.json('POST', '/containers/create', { query: { name: 'keepalive' }, body: { Image: 'busybox', Cmd: ['sh', '-c', 'echo hi; sleep 600'] } });
  assert.equal((await api.request('POST', '/containers/keepalive/start')).statusCode, 204);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const socketPath = f.d.socket;
  const paths = [
    ['GET', '/v1.56/containers/keepalive/logs?stdout=1&stderr=1'],
    ['GET', '/v1.56/containers/keepalive/stats?stream=0&one-shot=1'],
    ['GET', '/v1.56/events?since=0&until=1'],
    ['GET', '/v1.56/containers/keepalive/top'],
  ] as const;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      for (const [method, path] of paths) {
        const r = await get(agent, { socketPath, method, path });
        assert.equal(r.status, 200, path);
        assert.ok(i === 0 || r.reused, `${path}: the same connection`);
      }
    }
  } finally {
    agent.destroy();
  }
  assert.doesNotMatch(f.d.log, /MaxListenersExceededWarning|memory leak/);
});
