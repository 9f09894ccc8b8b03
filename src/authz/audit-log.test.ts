// The audit log's writer: whole lines only, rotation by size into FILE.1 … FILE.<max-file − 1>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from './audit-log.ts';
import { createLogger } from '../lib/logger.ts';

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
