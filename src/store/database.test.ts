import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from './database.ts';
import { EventsTable } from './events.ts';
import { SettingsTable } from './settings.ts';
import { MIGRATIONS } from './schema.ts';

test('migrations run once and set user_version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-db-'));
  try {
    const db = new Database(join(dir, 'berth.db'));
    assert.equal(db.schemaVersion, MIGRATIONS.length);
    db.close();
    const again = new Database(join(dir, 'berth.db'));
    assert.equal(again.schemaVersion, MIGRATIONS.length);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed transaction leaves nothing behind', () => {
  const db = new Database(':memory:');
  const settings = new SettingsTable(db);
  assert.throws(() =>
    db.transaction(() => {
      settings.set('a', '1');
      throw new Error('boom');
    }),
  );
  assert.equal(settings.get('a'), undefined);
  db.close();
});

test('a full database: the transaction fails with SQLite\'s own error, and the store goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-db-'));
  try {
    const db = new Database(join(dir, 'berth.db'));
    const settings = new SettingsTable(db);
    // No room for another page: SQLite fails the insert and rolls the transaction back itself.
    const pages = (db.statement('PRAGMA page_count').get() as { page_count: number }).page_count;
    db.statement(`PRAGMA max_page_count = ${pages}`).get();
    assert.throws(() => db.transaction(() => settings.set('big', 'x'.repeat(100_000))), /database or disk is full/);
    assert.equal(settings.get('big'), undefined);
    db.statement(`PRAGMA max_page_count = ${pages + 1000}`).get();
    db.transaction(() => settings.set('small', '1'));
    assert.equal(settings.get('small'), '1');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('events are queried by time and pruned to the newest', () => {
  const db = new Database(':memory:');
  const events = new EventsTable(db, 5);
  for (let i = 1; i <= 8; i++) {
    events.append({ timeNano: BigInt(i) * 1_000_000_000n, type: 'daemon', action: 'reload', actorId: 'd', attributes: { i: String(i) }, scope: 'local' });
  }
  assert.deepEqual(events.query({ sinceNano: 3_000_000_000n, untilNano: 4_000_000_000n }).map((e) => e.attributes.i), ['3', '4']);
  events.prune();
  assert.equal(events.count(), 5);
  assert.equal(events.query()[0]!.attributes.i, '4');
  db.close();
});
