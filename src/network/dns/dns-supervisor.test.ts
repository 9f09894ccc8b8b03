// berthd's supervisor of berth-dns: an update starts it, a second supervisor (berthd restarted)
// adopts it, a pid file naming another process is never signalled, stop ends it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { addresses, freePort, LOCALHOST, query } from '../../testing/dns.ts';
import { until, within } from '../../testing/until.ts';
import { isBerthDns } from './dns-process.ts';
import { DnsSupervisor } from './dns-supervisor.ts';
import type { DnsRecords } from './records.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-dns-sup-'));
const started: { pid: number; records: string }[] = [];

after(() => {
  // A failed test must not leave a berth-dns behind: only the ones this file started, by pid.
  for (const s of started) if (isBerthDns(s.pid, s.records)) process.kill(s.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function records(port: number, names: string[]): DnsRecords {
  return { upstream: [], networks: [{ name: 'net', listen: `${LOCALHOST}:${port}`, entries: names.map((n, i) => ({ names: [n], ipv4: `172.30.0.${i + 2}` })) }] };
}

test('update starts berth-dns, a restarted berthd adopts it, stop ends it', async () => {
  const port = await freePort();
  const first = new DnsSupervisor({ dir });
  assert.equal(first.pid(), undefined);
  await first.update(records(port, ['web']));
  const pid = first.pid();
  assert.ok(pid !== undefined, 'berth-dns runs');
  started.push({ pid, records: first.records });
  assert.notEqual(pid, process.pid);
  assert.deepEqual(addresses(await query({ port, name: 'web' })), ['172.30.0.2']);

  await first.update(records(port, ['web', 'db']));
  await until('the update is served', async () => (await query({ port, name: 'db' })).rcode === 'NOERROR');
  assert.equal(first.pid(), pid, 'an update signals, it does not start another');

  const second = new DnsSupervisor({ dir });
  assert.equal(second.pid(), pid, 'adopted through the pid file');
  await second.update(records(port, ['cache']));
  await until("the adopter's update is served", async () => (await query({ port, name: 'cache' })).rcode === 'NOERROR');
  assert.equal(second.pid(), pid);

  await second.stop();
  assert.equal(isBerthDns(pid, second.records), false, 'berth-dns ended');
  assert.equal(existsSync(second.pidFile), false);
  assert.match(readFileSync(second.logFile, 'utf8'), /berth-dns stopping/);
  const tcp = createServer();
  await new Promise<void>((resolve, reject) => tcp.once('error', reject).listen({ host: LOCALHOST, port }, resolve));
  await new Promise<void>((r) => tcp.close(() => r())); // its port is free again
  const again = new DnsSupervisor({ dir });
  assert.equal(again.pid(), undefined);
  await again.stop(); // nothing to stop: no error
});

test('a pid file naming another process is neither adopted nor signalled', async () => {
  const other = mkdtempSync(join(dir, 'reused-'));
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    writeFileSync(join(other, 'berth-dns.pid'), `${sleeper.pid}\n`);
    const sup = new DnsSupervisor({ dir: other });
    assert.equal(sup.pid(), undefined);
    await sup.stop();
    assert.equal(sleeper.exitCode, null);
    assert.equal(sleeper.signalCode, null);
    // An update starts a berth-dns of its own rather than signalling the stranger.
    const port = await freePort();
    await sup.update(records(port, ['web']));
    const pid = sup.pid();
    assert.ok(pid !== undefined && pid !== sleeper.pid);
    started.push({ pid, records: sup.records });
    assert.deepEqual(addresses(await query({ port, name: 'web' })), ['172.30.0.2']);
    await sup.stop();
    assert.equal(isBerthDns(pid, sup.records), false);
    assert.equal(sleeper.signalCode, null, 'the stranger was left alone');
  } finally {
    sleeper.kill('SIGKILL');
  }
});

test('berth-dns outlives the berthd that started it, and is started again after a crash', async () => {
  const own = mkdtempSync(join(dir, 'outlive-'));
  const port = await freePort();
  // A "berthd" of its own: starts berth-dns through a supervisor, then exits.
  const script = `const { DnsSupervisor } = await import(${JSON.stringify(new URL('./dns-supervisor.js', import.meta.url).href)});
    await new DnsSupervisor({ dir: process.argv[1] }).update(JSON.parse(process.argv[2]));`;
  const daemon = spawn(process.execPath, ['--input-type=module', '-e', script, own, JSON.stringify(records(port, ['web']))], { stdio: 'inherit' });
  assert.equal(await within('the short-lived daemon to exit', new Promise((r) => daemon.once('exit', r))), 0);
  const sup = new DnsSupervisor({ dir: own });
  const pid = sup.pid();
  assert.ok(pid !== undefined, 'berth-dns still runs after its daemon exited');
  started.push({ pid, records: sup.records });
  assert.deepEqual(addresses(await query({ port, name: 'web' })), ['172.30.0.2']);

  process.kill(pid, 'SIGKILL'); // a crash
  await until('the crashed berth-dns is gone', () => !isBerthDns(pid, sup.records));
  await sup.update(records(port, ['web', 'db']));
  const again = sup.pid();
  assert.ok(again !== undefined && again !== pid, 'a new berth-dns');
  started.push({ pid: again, records: sup.records });
  assert.deepEqual(addresses(await query({ port, name: 'db' })), ['172.30.0.3']);
  await sup.stop();
  assert.equal(isBerthDns(again, sup.records), false);
});

