// Reading across rotated files: <log>.N[.gz] … <log>.1, <log>.keep, <log> read as one log; tail
// touches only the newest file(s), since bisects in the one file it needs, follow goes on across
// a rotation (also when the old file was compressed before the follower looked).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile, link, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatRecord, type LogEntry } from './k8s-log.ts';
import { readLogs, type ReadLogsOptions } from './log-reader.ts';
import { until, within } from '../../testing/until.ts';

const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;
const PER_FILE = 10_000;
let dir: string;

const rec = (i: number) => formatRecord(T0 + BigInt(i) * MS, i % 7 === 0 ? 'stderr' : 'stdout', `line ${i}`);
const lines = (from: number, to: number) => Buffer.concat(Array.from({ length: to - from }, (_, k) => rec(from + k)));
const texts = (es: LogEntry[]) => es.map((e) => e.line.toString());
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `line ${from + k}\n`);

async function collect(path: string, opts: ReadLogsOptions = {}): Promise<{ entries: LogEntry[]; bytes: number }> {
  let bytes = 0;
  const entries: LogEntry[] = [];
  for await (const e of readLogs(path, { ...opts, onRead: (n) => (bytes += n) })) entries.push(e);
  return { entries, bytes };
}

/** <log>.3.gz, <log>.2.gz, <log>.1 and <log>, PER_FILE records each, numbered across them. */
async function rotatedLog(name: string): Promise<string> {
  const d = join(dir, name);
  await mkdir(d);
  const p = join(d, 'c-json.log');
  await writeFile(`${p}.3.gz`, gzipSync(lines(0, PER_FILE)));
  await writeFile(`${p}.2.gz`, gzipSync(lines(PER_FILE, 2 * PER_FILE)));
  await writeFile(`${p}.1`, lines(2 * PER_FILE, 3 * PER_FILE));
  await writeFile(p, lines(3 * PER_FILE, 4 * PER_FILE));
  return p;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-chain-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('the whole log is every file in order, compressed ones included', async () => {
  const p = await rotatedLog('all');
  const { entries } = await collect(p);
  assert.deepEqual(texts(entries), range(0, 4 * PER_FILE));
  assert.equal(entries[7]!.stream, 'stderr');
  assert.deepEqual((await readdir(join(dir, 'all'))).sort(), ['c-json.log', 'c-json.log.1', 'c-json.log.2.gz', 'c-json.log.3.gz'], 'no inflated copy is left');
});

test('tail reads a few KB from the end, and reaches back into older (compressed) files', async () => {
  const p = await rotatedLog('tail');
  const small = await collect(p, { tail: 5 });
  assert.deepEqual(texts(small.entries), range(4 * PER_FILE - 5, 4 * PER_FILE));
  assert.ok(small.bytes < 8 * 1024, `read ${small.bytes} bytes`);
  const across = await collect(p, { tail: 2 * PER_FILE + 3 });
  assert.deepEqual(texts(across.entries), range(2 * PER_FILE - 3, 4 * PER_FILE));
  assert.deepEqual(texts((await collect(p, { tail: 10 * PER_FILE })).entries), range(0, 4 * PER_FILE));
  assert.deepEqual(texts((await collect(p, { tail: 3, stdout: false })).entries), range(4 * PER_FILE - 3, 4 * PER_FILE).filter((_, k) => (4 * PER_FILE - 3 + k) % 7 === 0));
});

test('since starts in the right file and bisects there; until stops', async () => {
  const p = await rotatedLog('since');
  const at = (i: number) => T0 + BigInt(i) * MS;
  const recent = await collect(p, { since: at(4 * PER_FILE - 4) });
  assert.deepEqual(texts(recent.entries), range(4 * PER_FILE - 4, 4 * PER_FILE));
  assert.ok(recent.bytes < 24 * 1024, `read ${recent.bytes} bytes`); // probes in the newest file only
  const inPlain = await collect(p, { since: at(2 * PER_FILE + 500), until: at(2 * PER_FILE + 502) });
  assert.deepEqual(texts(inPlain.entries), range(2 * PER_FILE + 500, 2 * PER_FILE + 503));
  assert.ok(inPlain.bytes < 32 * 1024, `read ${inPlain.bytes} bytes`);
  const inGz = await collect(p, { since: at(PER_FILE + 5), until: at(PER_FILE + 6) });
  assert.deepEqual(texts(inGz.entries), range(PER_FILE + 5, PER_FILE + 7));
  const boundary = await collect(p, { since: at(3 * PER_FILE) - 1n, until: at(3 * PER_FILE) });
  assert.deepEqual(texts(boundary.entries), range(3 * PER_FILE, 3 * PER_FILE + 1));
  assert.equal((await collect(p, { since: at(0) - MS })).entries.length, 4 * PER_FILE);
  assert.equal((await collect(p, { since: at(4 * PER_FILE) })).entries.length, 0);
});

test('a line split across a rotation is one line; .keep is read once, or between .1 and the log', async () => {
  const d = join(dir, 'split');
  await mkdir(d);
  const p = join(d, 'c-json.log');
  await writeFile(`${p}.1`, Buffer.concat([rec(0), formatRecord(T0 + MS, 'stdout', 'hel', true)]));
  await writeFile(p, Buffer.concat([formatRecord(T0 + 2n * MS, 'stdout', 'lo'), rec(3)]));
  await link(p, `${p}.keep`); // the usual state: .keep is the live file
  assert.deepEqual(texts((await collect(p)).entries), ['line 0\n', 'hello\n', 'line 3\n']);
  assert.deepEqual(texts((await collect(p, { tail: 2 })).entries), ['hello\n', 'line 3\n']);
  // conmon replaced the log by itself: .keep holds the file before the new one.
  await rm(`${p}.keep`);
  await rename(p, `${p}.keep`);
  await writeFile(p, rec(4));
  assert.deepEqual(texts((await collect(p)).entries), ['line 0\n', 'hello\n', 'line 3\n', 'line 4\n']);
});

test('a damaged .gz does not stop the rest from being read', async () => {
  const d = join(dir, 'damaged');
  await mkdir(d);
  const p = join(d, 'c-json.log');
  const gz = gzipSync(lines(0, 100));
  await writeFile(`${p}.2.gz`, Buffer.concat([gz.subarray(0, gz.length / 2), gz.subarray(-8)]));
  await writeFile(`${p}.1.gz`, 'not gzip at all, long enough to have a trailer');
  await writeFile(p, lines(100, 103));
  const got = texts((await collect(p)).entries);
  assert.deepEqual(got.slice(-3), range(100, 103));
  assert.deepEqual(got.slice(0, 10), range(0, 10)); // what inflated before the damage
  assert.ok(got.length < 103, `${got.length} lines`);
});

test('follow goes on across rotations, also when the old file was compressed meanwhile', async () => {
  const d = join(dir, 'follow');
  await mkdir(d);
  const p = join(d, 'c-json.log');
  await writeFile(p, rec(0));
  let exit!: () => void;
  const exited = new Promise<void>((r) => (exit = r));
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of readLogs(p, { follow: true, exited, pollMs: 20 })) seen.push(e.line.toString());
  })();
  const read = (n: number) => until(`the follower has read ${n} records`, () => seen.length >= n, { stepMs: 5 });
  await read(1);
  // What berthd and conmon do: rename to .1, then conmon makes a new file.
  await appendFile(p, rec(1));
  await rename(p, `${p}.1`);
  await appendFile(`${p}.1`, rec(2)); // conmon writes on until it reopens
  await writeFile(p, rec(3));
  await read(4);
  // Two rotations and a compression before the follower looks again (synchronous, so it cannot
  // look in between): the file it was reading is now only in a .gz, found again by time.
  appendFileSync(p, rec(4));
  renameSync(`${p}.1`, `${p}.2`);
  renameSync(p, `${p}.1`);
  writeFileSync(p, rec(5));
  renameSync(`${p}.2`, `${p}.3`);
  renameSync(`${p}.1`, `${p}.2`);
  writeFileSync(`${p}.2.gz`, gzipSync(readFileSync(`${p}.2`)));
  rmSync(`${p}.2`);
  renameSync(p, `${p}.1`);
  writeFileSync(p, rec(6));
  await read(7);
  exit();
  await within('the follower to end with the exit', reading);
  assert.deepEqual(seen, range(0, 7));
});
