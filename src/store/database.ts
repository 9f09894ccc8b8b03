// One transactional store for all of berthd's metadata. SQLite in WAL mode through node:sqlite
// (built into Node 24, so no native addon to compile). `synchronous=NORMAL` in WAL mode loses
// nothing when the process is killed — only an OS crash can drop the newest commits, and even
// then the database stays consistent.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './schema.ts';

export class Database {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #depth = 0;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.#migrate();
  }

  get schemaVersion(): number {
    return (this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  /** A cached prepared statement; SQL text is the cache key. */
  statement(sql: string): StatementSync {
    let st = this.#statements.get(sql);
    if (!st) {
      st = this.#db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }

  /** Run fn atomically. Nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#db.exec('BEGIN IMMEDIATE');
    this.#depth++;
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      // SQLite rolls a transaction back itself on some errors (a full disk, out of memory): a
      // ROLLBACK then fails with "no transaction is active", which would hide the error.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      this.#depth--;
    }
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }

  /** Every pending migration in one transaction: as atomic as one each (a crash leaves the
   *  version before them all), and a first start commits once instead of nine times (issue 12). */
  #migrate(): void {
    const from = this.schemaVersion;
    if (from >= MIGRATIONS.length) return;
    this.transaction(() => {
      for (let v = from; v < MIGRATIONS.length; v++) this.#db.exec(MIGRATIONS[v]!);
      this.#db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    });
  }
}
