// The rotator against a stand-in for conmon that writes and reopens the way conmon 2.1.6 does
// (ctl reopen: a new file renamed over <log>; its own --log-size-max: the same, counted from its
// start or its own last truncation, not from ours). The real conmon is exercised end to end in
// src/api/container-logs.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readdirSync, renameSync, statSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecord, type LogEntry } from './k8s-log.ts';
import { readLogs } from './log-reader.ts';
import { LogRotator, beforeStart, type RotationPolicy } from './log-rotation.ts';

const T0 = 1_700_000_000_000_000_000n;
let dir: string;
const rec = (i: number) => formatRecord(T0 + BigInt(i) * 1000n, 'stdout', `line ${i} ${'x'.repeat(20)}`);

class FakeConmon {
  readonly path: string;
  readonly limit: number | undefined;
  #fd: number;
  /** What conmon's bytes_written counts. */
  #count = 0;
  selfReopens = 0;
  constructor(path: string, limit?: number) {
    this.path = path;
    this.limit = limit;
    this.#fd = openSync(path, 'a');
  }
  write(i: number): void {
    const r = rec(i);
    if (this.limit !== undefined && this.#count + r.length > this.limit) {
      this.#count = 0;
      this.selfReopens++;
      this.reopen();
    }
    writeSync(this.#fd, r);
    this.#count += r.length;
  }
  reopen(): void {
    closeSync(this.#fd);
    this.#fd = openSync(`${this.path}.tmp`, 'w');
    renameSync(`${this.path}.tmp`, this.path);
  }
  close(): void {
    closeSync(this.#fd);
  }
}

async function setup(name: string, policy: RotationPolicy, conmonLimit?: number) {
  const d = join(dir, name);
  await mkdir(d);
  const path = join(d, 'c-json.log');
  const conmon = new FakeConmon(path, conmonLimit);
  const rotator = new LogRotator({
    path, policy, conmonLimit, conmonPid: 42, statePath: join(d, 'state.json'), pollMs: 60_000, minGapMs: 0,
    reopen: async () => conmon.reopen(),
    onError: (err) => assert.fail(err as Error),
  });
  await rotator.start(0);
  /** Write records [from, to), letting the rotator look every `every` records. */
  const write = async (from: number, to: number, every = 5) => {
    for (let i = from; i < to; i++) {
      conmon.write(i);
      if ((i + 1) % every === 0) {
        rotator.check();
        await rotator.idle();
      }
    }
  };
  return { d, path, conmon, rotator, write };
}

async function texts(path: string, opts = {}): Promise<string[]> {
  const out: LogEntry[] = [];
  for await (const e of readLogs(path, opts)) out.push(e);
  return out.map((e) => e.line.toString().split(' ')[1]!);
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => String(from + k));
const files = (d: string) => readdirSync(d).filter((f) => f.startsWith('c-json.log')).sort();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-rotate-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('past max-size the log becomes .1 (gzipped), older ones shift, at most max-file are kept', async () => {
  const { d, path, conmon, rotator, write } = await setup('basic', { maxSize: 2000, maxFiles: 3, compress: true });
  await write(0, 500);
  await rotator.stop();
  conmon.close();
  assert.deepEqual(files(d), ['c-json.log', 'c-json.log.1.gz', 'c-json.log.2.gz', 'c-json.log.keep']);
  assert.equal(statSync(`${path}.keep`).ino, statSync(path).ino);
  const kept = await texts(path);
  assert.equal(kept.at(-1), '499');
  assert.deepEqual(kept, range(500 - kept.length, 500), 'what is kept has no gaps');
  assert.ok(kept.length * rec(0).length >= 2 * 2000, `kept ${kept.length} lines`);
  assert.deepEqual(await texts(path, { tail: 5 }), range(495, 500));
});

test('at the exit, a log past max-size is rotated at once and an empty live file is left', async () => {
  const { d, path, conmon, rotator } = await setup('finish', { maxSize: 2000, maxFiles: 3, compress: false });
  for (let i = 0; i < 200; i++) conmon.write(i); // faster than any look: nothing rotated yet
  conmon.close();
  const reopen = conmon.reopen.bind(conmon);
  conmon.reopen = () => assert.fail('conmon is gone: no reopen can succeed');
  await rotator.finish();
  conmon.reopen = reopen;
  assert.deepEqual(files(d).filter((f) => !f.endsWith('.keep')), ['c-json.log', 'c-json.log.1']);
  assert.equal(statSync(path).size, 0);
  assert.equal((statSync(path).mode & 0o777), 0o600);
  assert.deepEqual(await texts(path), range(0, 200));
});

test('at the exit, with compression, no reader sees the last file twice (.keep goes with its rotation)', async () => {
  const { d, path, conmon, rotator } = await setup('finish-gz', { maxSize: 2000, maxFiles: 3, compress: true });
  for (let i = 0; i < 200; i++) conmon.write(i);
  conmon.close();
  conmon.reopen = () => assert.fail('conmon is gone: no reopen can succeed');
  await rotator.finish();
  // Before the container's exit handler removes .keep: it no longer names the compressed file's lines.
  assert.deepEqual(files(d), ['c-json.log', 'c-json.log.1.gz']);
  assert.deepEqual(await texts(path), range(0, 200));
});

test('max-file 1 keeps only the live file', async () => {
  const { d, path, conmon, rotator, write } = await setup('one', { maxSize: 1000, maxFiles: 1, compress: false });
  await write(0, 100);
  await rotator.stop();
  conmon.close();
  assert.deepEqual(files(d), ['c-json.log', 'c-json.log.keep']);
  assert.ok(statSync(path).size < 1000 + 5 * rec(0).length);
  assert.equal((await texts(path)).at(-1), '99');
});

test("conmon's own limit loses nothing: .keep holds the file it replaced, and berthd leaves it that turn", async () => {
  const { d, path, conmon, rotator, write } = await setup('limit', { maxSize: 2000, maxFiles: 1000, compress: false }, 5000);
  await write(0, 1000);
  await rotator.stop();
  conmon.close();
  assert.ok(conmon.selfReopens >= 5, `conmon truncated ${conmon.selfReopens} times`);
  assert.deepEqual(await texts(path), range(0, 1000));
  assert.ok(files(d).length > 20);
});

test('a restarted berthd goes on with the count it saved; without one it leaves the next turn to conmon', async () => {
  const a = await setup('restart', { maxSize: 2000, maxFiles: 1000, compress: false }, 5000);
  await a.write(0, 300);
  await a.rotator.stop();
  const again = (conmonPid: number) => new LogRotator({
    path: a.path, policy: { maxSize: 2000, maxFiles: 1000, compress: false }, conmonLimit: 5000, conmonPid,
    statePath: join(a.d, 'state.json'), pollMs: 60_000, minGapMs: 0, reopen: async () => a.conmon.reopen(), onError: (err) => assert.fail(err as Error),
  });
  const b = again(42);
  await b.start();
  for (let i = 300; i < 600; i++) {
    a.conmon.write(i);
    b.check();
    await b.idle();
  }
  await b.stop();
  assert.deepEqual(await texts(a.path), range(0, 600));
  // Another conmon (pid): the count is unknown, so berthd does not rotate until conmon has.
  const c = again(43);
  await c.start();
  const before = a.conmon.selfReopens;
  const rotated = files(a.d).length;
  for (let i = 600; i < 900; i++) {
    a.conmon.write(i);
    if (a.conmon.selfReopens === before) assert.equal(files(a.d).length, rotated, `berthd rotated at line ${i}`);
    c.check();
    await c.idle();
  }
  await c.stop();
  a.conmon.close();
  assert.ok(a.conmon.selfReopens > before);
  assert.ok(files(a.d).length > rotated + 2, 'berthd rotates again once conmon has');
  assert.deepEqual(await texts(a.path), range(0, 900));
});

test('a restart appends to a log already past max-size: the first check rotates it', async () => {
  const d = join(dir, 'prestart');
  await mkdir(d);
  const path = join(d, 'c-json.log');
  const content = Buffer.concat(Array.from({ length: 50 }, (_, i) => rec(i)));
  await writeFile(path, content);
  await writeFile(`${path}.keep`, 'stale');
  const size = await beforeStart(path);
  assert.equal(size, content.length);
  assert.ok(!existsSync(`${path}.keep`));
  const conmon = new FakeConmon(path, 5000);
  const rotator = new LogRotator({
    path, policy: { maxSize: 1000, maxFiles: 3, compress: true }, conmonLimit: 5000, conmonPid: 42, statePath: join(d, 'state.json'),
    pollMs: 60_000, minGapMs: 0, reopen: async () => conmon.reopen(), onError: (err) => assert.fail(err as Error),
  });
  await rotator.start(size);
  await rotator.idle();
  assert.deepEqual(files(d), ['c-json.log', 'c-json.log.1.gz', 'c-json.log.keep']);
  for (let i = 50; i < 60; i++) conmon.write(i);
  await rotator.stop();
  conmon.close();
  assert.deepEqual(await texts(path), range(0, 60));
  assert.equal(await beforeStart(join(d, 'nothing.log')), 0);
});

test('the rotator stops by itself when conmon is gone', async () => {
  const d = join(dir, 'gone');
  await mkdir(d);
  const path = join(d, 'c-json.log');
  await writeFile(path, '');
  let alive = true;
  const rotator = new LogRotator({
    path, policy: { maxSize: 1000, maxFiles: 3, compress: false }, conmonLimit: undefined, conmonPid: 42, statePath: join(d, 'state.json'),
    pollMs: 10, reopen: async () => undefined, alive: async () => alive,
  });
  await rotator.start(0);
  alive = false;
  await new Promise((r) => setTimeout(r, 50));
  await writeFile(path, 'x'.repeat(2000));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(files(d), ['c-json.log', 'c-json.log.keep'], 'no rotation after conmon went');
});

test('a rotation cut short between rename and reopen is finished by the next berthd', async () => {
  const { d, path, conmon, rotator, write } = await setup('cut', { maxSize: 100_000, maxFiles: 3, compress: false });
  await write(0, 10);
  await rotator.stop();
  renameSync(path, `${path}.1`); // the old berthd died here
  conmon.write(10);
  const next = new LogRotator({
    path, policy: { maxSize: 100_000, maxFiles: 3, compress: false }, conmonLimit: undefined, conmonPid: 42, statePath: join(d, 'state.json'),
    pollMs: 60_000, minGapMs: 0, reopen: async () => conmon.reopen(), onError: (err) => assert.fail(err as Error),
  });
  await next.start();
  conmon.write(11);
  next.check();
  await next.idle();
  await next.stop();
  conmon.close();
  assert.deepEqual(files(d), ['c-json.log', 'c-json.log.1', 'c-json.log.keep']);
  assert.equal(statSync(`${path}.keep`).ino, statSync(path).ino);
  assert.deepEqual(await texts(path), range(0, 12));
});
