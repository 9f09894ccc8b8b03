// Small key/value facts the daemon keeps across restarts (its ID, first start time, ...).
import type { Database } from './database.ts';

export class SettingsTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }
  get(key: string): string | undefined {
    const row = this.#db.statement('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }
  set(key: string, value: string): void {
    this.#db.statement('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
  /** The stored value, or `make()`'s result stored now. */
  getOrCreate(key: string, make: () => string): string {
    return this.#db.transaction(() => {
      const existing = this.get(key);
      if (existing !== undefined) return existing;
      const value = make();
      this.set(key, value);
      return value;
    });
  }
}
