// The audit log's writer: whole lines only, rotation by size into FILE.1 … FILE.<max-file − 1>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from './audit-log.ts';
import { createLogger } from '../lib/logger.ts';
import { auditLines } from './audit-read.ts';
import { until } from '../testing/until.ts';

test('many records at once: every line whole, rotated into at most max-file files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-audit-'));
  try {
    const file = join(dir, 'audit.log');
    const log = new AuditLog({ file, maxSize: 4096, maxFile: 3 }, createLogger('error'));
    for (let i = 0; i < 500; i++) log.record({ n: i, pad: 'x'.repeat(i % 50) });
    await log.close();
    assert.deepEqual(readdirSync(dir).sort(), ['audit.log', 'audit.log.1', 'audit.log.2']);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { n: number });
    const kept = [...read('audit.log.2'), ...read('audit.log.1'), ...read('audit.log')].map((e) => e.n);
    // The newest records, in order, with nothing missing between the oldest kept and the last.
    assert.equal(kept.at(-1), 499);
    assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 500 - kept.length + i));
    for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).length <= 4096 + 200, `${f} is far above max-size`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot and its follower see each line once, in order, while lines keep coming and rotating', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-audit-'));
  const log = new AuditLog({ file: join(dir, 'audit.log'), maxSize: 2048, maxFile: 3 }, createLogger('error'));
  let n = 0;
  const more = setInterval(() => {
    for (let i = 0; i < 5; i++) log.record({ n: n++ });
  }, 1);
  try {
    await until('lines written', () => n > 100);
    const followed: number[] = [];
    let ended = false;
    const files = await log.snapshot({ lines: (batch) => followed.push(...numbers(batch)), end: () => (ended = true) });
    const read: number[] = [];
    for await (const line of auditLines(files)) read.push(line.n as number);
    await until('more lines followed', () => followed.length > 100);
    clearInterval(more);
    await log.close();
    assert.ok(ended, 'closing the log ends its followers');
    const seen = [...read, ...followed];
    // The oldest lines may have rotated away; from the first kept one on, nothing is missing
    // or doubled, across the snapshot's end and the follower's start.
    assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => seen[0]! + i));
    assert.ok(read.length > 0);
  } finally {
    clearInterval(more);
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function numbers(batch: string): number[] {
  return batch.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { n: number }).n);
}
