// The berth-dns process itself: started as berthd starts it, on 127.0.0.1 ports, reloading on
// a file change and on SIGHUP, refusing to run twice, ending on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { readPidFile } from '../network/dns/dns-process.ts';
import { writeRecords, type DnsRecords } from '../network/dns/records.ts';
import { addresses, freePort, LOCALHOST, query } from '../testing/dns.ts';
import { until, within } from '../testing/until.ts';

const PROGRAM = fileURLToPath(new URL('./berth-dns.js', import.meta.url));
const started: ChildProcess[] = [];
const dirs: string[] = [];

after(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-dns-bin-'));
  dirs.push(d);
  return d;
}

function records(port: number, entries: DnsRecords['networks'][number]['entries']): DnsRecords {
  return { upstream: [], networks: [{ name: 'net', listen: `${LOCALHOST}:${port}`, entries }] };
}

function start(recordsFile: string, pidFile: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [PROGRAM, '--records', recordsFile, '--pidfile', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return { child, stderr: () => err };
}

const exited = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code)));

test('reloads when the records file is replaced, ends on SIGTERM and removes its pid file', async () => {
  const dir = tempDir();
  const port = await freePort();
  const file = join(dir, 'records.json');
  const pidFile = join(dir, 'berth-dns.pid');
  writeRecords(file, records(port, [{ names: ['one'], ipv4: '172.30.0.2' }]));
  const { child, stderr } = start(file, pidFile);
  await until('berth-dns wrote its pid file', () => readPidFile(pidFile) === child.pid);
  assert.deepEqual(addresses(await query({ port, name: 'one' })), ['172.30.0.2']);

  writeRecords(file, records(port, [{ names: ['two'], ipv4: '172.30.0.3' }]));
  await until('the new records are served', async () => (await query({ port, name: 'two' })).rcode === 'NOERROR');
  assert.equal((await query({ port, name: 'one' })).rcode, 'SERVFAIL'); // gone, and no upstream to ask

  const second = start(file, pidFile);
  assert.equal(await within('a second berth-dns on the same records to refuse', exited(second.child)), 1);
  assert.match(second.stderr(), /another berth-dns serves these records/);

  child.kill('SIGTERM');
  assert.equal(await within('berth-dns to end on SIGTERM', exited(child)), 0);
  assert.equal(existsSync(pidFile), false);
  assert.match(stderr(), /DNS listening/);
});

test('reloads on SIGHUP (a change the directory watch cannot see: the file is a symlink)', async () => {
  const dir = tempDir();
  const port = await freePort();
  mkdirSync(join(dir, 'real'));
  const real = join(dir, 'real', 'records.json');
  const file = join(dir, 'records.json');
  symlinkSync(real, file);
  const pidFile = join(dir, 'berth-dns.pid');
  writeRecords(real, records(port, [{ names: ['one'], ipv4: '172.30.0.2' }]));
  const { child } = start(file, pidFile);
  try {
    await until('berth-dns wrote its pid file', () => readPidFile(pidFile) === child.pid);
    writeRecords(real, records(port, [{ names: ['two'], ipv4: '172.30.0.3' }]));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await query({ port, name: 'two' })).rcode, 'SERVFAIL', 'not reloaded before the signal');
    child.kill('SIGHUP');
    await until('SIGHUP reloaded the records', async () => (await query({ port, name: 'two' })).rcode === 'NOERROR');
    assert.deepEqual(addresses(await query({ port, name: 'two', tcp: true })), ['172.30.0.3']);
  } finally {
    child.kill('SIGTERM');
    await within('berth-dns to end', exited(child));
  }
});

test('unreadable records keep the ones served', async () => {
  const dir = tempDir();
  const port = await freePort();
  const file = join(dir, 'records.json');
  const pidFile = join(dir, 'berth-dns.pid');
  writeRecords(file, records(port, [{ names: ['one'], ipv4: '172.30.0.2' }]));
  const { child, stderr } = start(file, pidFile);
  try {
    await until('berth-dns wrote its pid file', () => readPidFile(pidFile) === child.pid);
    rmSync(file);
    await until('the missing file is logged', () => /records unreadable/.test(stderr()));
    assert.deepEqual(addresses(await query({ port, name: 'one' })), ['172.30.0.2']);
  } finally {
    child.kill('SIGTERM');
    await within('berth-dns to end', exited(child));
  }
});
