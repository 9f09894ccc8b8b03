import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { LatencyProbe, type ProbeWindow } from './latency-probe.ts';
import { until, within } from '../testing/until.ts';

test('the latency probe lists and pings from its own process, a new connection each, and counts failures', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-latency-probe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'api.sock');
  const paths: string[] = [];
  let connections = 0;
  let pingStatus = 200;
  const server = createServer((req, res) => {
    paths.push(req.url!);
    res.statusCode = req.url === '/_ping' ? pingStatus : 200;
    res.end(req.url === '/_ping' ? 'OK' : '[]');
  });
  server.on('connection', () => connections++);
  server.listen(socket);
  await once(server, 'listening');
  t.after(() => server.close());
  const probe = new LatencyProbe(socket);
  t.after(() => probe.stop());
  let w: ProbeWindow = { listMs: [], pingMs: [], failures: 0, loopP99: 0 };
  await until('two lists and two pings', async () => ((w = await probe.take()), w.listMs.length >= 2 && w.pingMs.length >= 2), { timeoutMs: 30_000, stepMs: 300 });
  assert.equal(w.failures, 0);
  assert.ok(w.listMs.every((ms) => ms > 0) && Number.isFinite(w.loopP99), JSON.stringify(w));
  assert.deepEqual(paths.slice(0, 2), ['/containers/json?all=1', '/_ping']);
  assert.equal(connections, paths.length, 'one connection per request, as a CLI makes');
  // A window is handed over once: the next starts empty. A failed ping counts, with its message.
  pingStatus = 500;
  await until('a failed ping', async () => ((w = await probe.take()), w.failures > 0), { timeoutMs: 30_000, stepMs: 300 });
  assert.match(w.firstFailure!, /\/_ping: HTTP 500/);
  assert.equal(w.pingMs.length, 0);
  await within('the probe to stop', probe.stop(), 35_000);
});
