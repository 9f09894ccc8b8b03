import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecord, formatTimestamp, parseTimestamp, type LogEntry } from './k8s-log.ts';
import { readLogs, type ReadLogsOptions } from './log-reader.ts';
import { until, within } from '../../testing/until.ts';

const T0 = 1_700_000_000_000_000_000n; // ns
const MS = 1_000_000n;
const LINES = 200_000;
let dir: string;
let big: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-logs-'));
  big = join(dir, 'big.log');
  const parts: Buffer[] = [];
  for (let i = 0; i < LINES; i++) parts.push(formatRecord(T0 + BigInt(i) * MS, i % 5 === 0 ? 'stderr' : 'stdout', `line ${i}`));
  await writeFile(big, Buffer.concat(parts));
});
after(() => rm(dir, { recursive: true, force: true }));

async function collect(path: string, opts: ReadLogsOptions = {}): Promise<{ entries: LogEntry[]; bytes: number }> {
  let bytes = 0;
  const entries: LogEntry[] = [];
  for await (const e of readLogs(path, { ...opts, onRead: (n) => (bytes += n) })) entries.push(e);
  return { entries, bytes };
}
const texts = (es: LogEntry[]) => es.map((e) => e.line.toString());

test('timestamps: conmon local offsets parse to UTC nanoseconds', () => {
  assert.equal(parseTimestamp('2024-05-01T12:00:00.000000001+02:00'), parseTimestamp('2024-05-01T10:00:00.000000001Z'));
  assert.equal(formatTimestamp(parseTimestamp('2024-05-01T12:00:00.5-01:30')!), '2024-05-01T13:30:00.500000000Z');
});

test('tail of a 200k-line log reads a few KB from the end', async () => {
  const { entries, bytes } = await collect(big, { tail: 10 });
  assert.deepEqual(texts(entries), Array.from({ length: 10 }, (_, i) => `line ${LINES - 10 + i}\n`));
  assert.equal(entries[9]!.stream, 'stdout');
  assert.equal(entries[0]!.time, formatTimestamp(T0 + BigInt(LINES - 10) * MS));
  assert.ok(bytes < 12 * 1024, `read ${bytes} bytes`);
});

test('since bisects to its start; until stops the read', async () => {
  const since = T0 + 150_000n * MS;
  const a = await collect(big, { since, until: since + 4n * MS });
  assert.deepEqual(texts(a.entries), ['line 150000\n', 'line 150001\n', 'line 150002\n', 'line 150003\n', 'line 150004\n']);
  assert.ok(a.bytes < 24 * 1024, `read ${a.bytes} bytes`); // probes + one forward chunk
  const b = await collect(big, { since: T0 + BigInt(LINES - 3) * MS + 1n });
  assert.deepEqual(texts(b.entries), [`line ${LINES - 2}\n`, `line ${LINES - 1}\n`]);
  assert.ok(b.bytes < 16 * 1024, `read ${b.bytes} bytes`);
  assert.equal((await collect(big, { since: T0 + BigInt(LINES) * MS })).entries.length, 0);
  assert.equal((await collect(big, { since: T0 - MS, until: T0 + 2n * MS })).entries.length, 3);
});

test('stream filter applies after tail, as docker counts', async () => {
  const { entries } = await collect(big, { tail: 10, stdout: false });
  assert.deepEqual(texts(entries), [`line ${LINES - 10}\n`, `line ${LINES - 5}\n`]);
});

test('P fragments are joined per stream; a trailing fragment ends without newline', async () => {
  const p = join(dir, 'partial.log');
  await writeFile(p, Buffer.concat([
    formatRecord(T0, 'stdout', 'first'),
    formatRecord(T0 + 1n, 'stdout', 'hel', true),
    formatRecord(T0 + 2n, 'stderr', 'oops', true),
    formatRecord(T0 + 3n, 'stdout', 'lo'),
    formatRecord(T0 + 4n, 'stderr', '!'),
    formatRecord(T0 + 5n, 'stdout', 'no newline', true),
    Buffer.from('2024-05-01T10:00:00.000000001Z stdout F still being writ'),
  ]));
  const { entries } = await collect(p);
  assert.deepEqual(entries.map((e) => [e.stream, e.line.toString(), e.timeNs]), [
    ['stdout', 'first\n', T0], ['stdout', 'hello\n', T0 + 1n], ['stderr', 'oops!\n', T0 + 2n], ['stdout', 'no newline', T0 + 5n],
  ]);
  // tail counts whole lines: the last two are "oops!" (complete) and the unfinished one.
  assert.deepEqual(texts((await collect(p, { tail: 2 })).entries), ['oops!\n', 'no newline']);
  assert.deepEqual(texts((await collect(p, { tail: 3 })).entries), ['hello\n', 'oops!\n', 'no newline']);
  assert.deepEqual(texts((await collect(p, { tail: 0 })).entries), []);
});

test('follow sees appends and a replaced file, and ends when the container exits', async () => {
  const p = join(dir, 'follow.log');
  await writeFile(p, formatRecord(T0, 'stdout', 'before'));
  let exit!: () => void;
  const exited = new Promise<void>((r) => (exit = r));
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of readLogs(p, { follow: true, tail: 1, exited, pollMs: 50 })) seen.push(e.line.toString());
  })();
  const read = (n: number) => until(`the follower has read ${n} records`, () => seen.length >= n, { stepMs: 10 });
  await read(1);
  await appendFile(p, formatRecord(T0 + 1n, 'stdout', 'app', true));
  await appendFile(p, formatRecord(T0 + 2n, 'stdout', 'ended'));
  await read(2);
  // What conmon does on --log-size-max or a reopen: new file renamed over the old one.
  await appendFile(p, formatRecord(T0 + 3n, 'stderr', 'last in old file'));
  await writeFile(`${p}.tmp`, formatRecord(T0 + 4n, 'stdout', 'rotated'));
  await rename(`${p}.tmp`, p);
  await read(4);
  await appendFile(p, formatRecord(T0 + 5n, 'stdout', 'tail end', true));
  exit();
  await within('the follower to end with the exit', reading);
  assert.deepEqual(seen, ['before\n', 'appended\n', 'last in old file\n', 'rotated\n', 'tail end']);
});

test('follow stops on abort, and waits for a log that does not exist yet', async () => {
  const p = join(dir, 'later.log');
  const ac = new AbortController();
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of readLogs(p, { follow: true, signal: ac.signal, pollMs: 20 })) seen.push(e.line.toString());
  })();
  await new Promise((r) => setTimeout(r, 50));
  await writeFile(p, formatRecord(T0, 'stdout', 'hi'));
  await until('the follower has read the log written after it started', () => seen.length >= 1, { stepMs: 10 });
  ac.abort();
  await within('the follower to end on the abort', reading);
  assert.deepEqual(seen, ['hi\n']);
  assert.deepEqual((await collect(join(dir, 'missing.log'))).entries, []);
});
