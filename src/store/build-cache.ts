// The classic builder's cache (issue 11): a step's cache key → the image that step made. The
// images themselves live in the image store; a row is a weak reference to one, so removing an
// image never has to look here — a row whose image is gone is a miss (and is deleted then, or
// by a prune). BuildCacheService (src/daemon/build/build-cache-service.ts) builds /system/df's
// BuildCache records and POST /build/prune on it.
//
//   build_cache
//   ┌──────────────┬─────────┬───────────────────────────────────────────────────────┐
//   │ key          │ TEXT PK │ the builder's key (parent image, instruction, args,   │
//   │              │         │ files' checksum), hashed by the builder               │
//   │ image_id     │ TEXT    │ "sha256:..." (no foreign key: a weak reference)       │
//   │ description  │ TEXT    │ the step as the user wrote it ("RUN echo hi")         │
//   │ created_at   │ TEXT    │ RFC 3339 with nanoseconds                             │
//   │ last_used_at │ TEXT    │ the last hit (the creation until then)                │
//   │ usage_count  │ INTEGER │ 1 at creation, +1 per hit                             │
//   └──────────────┴─────────┴───────────────────────────────────────────────────────┘
//   index build_cache_image (image_id)
import type { Database } from './database.ts';

export interface BuildCacheRow {
  key: string;
  imageId: string;
  description: string;
  createdAt: string;
  lastUsedAt: string;
  usageCount: number;
}

export const BUILD_CACHE_MIGRATION = `CREATE TABLE build_cache (
     key TEXT PRIMARY KEY,
     image_id TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     created_at TEXT NOT NULL,
     last_used_at TEXT NOT NULL,
     usage_count INTEGER NOT NULL DEFAULT 1
   );
   CREATE INDEX build_cache_image ON build_cache (image_id);`;

interface Row {
  key: string;
  image_id: string;
  description: string;
  created_at: string;
  last_used_at: string;
  usage_count: number;
}

const fromRow = (r: Row): BuildCacheRow => ({
  key: r.key,
  imageId: r.image_id,
  description: r.description,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  usageCount: Number(r.usage_count),
});

// The wall clock at the start, in nanoseconds, less the monotonic clock then: their sum is a
// nanosecond wall clock that never goes back within the process (a use is never before its
// creation), which Date's milliseconds cannot tell apart.
const ANCHOR = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Now as RFC 3339 with nanoseconds, as buildkit's records give their times. */
export function nowNano(): string {
  const ns = ANCHOR + process.hrtime.bigint();
  const seconds = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

export class BuildCacheTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  get(key: string): BuildCacheRow | undefined {
    const r = this.#db.statement('SELECT * FROM build_cache WHERE key = ?').get(key) as Row | undefined;
    return r && fromRow(r);
  }

  all(): BuildCacheRow[] {
    return (this.#db.statement('SELECT * FROM build_cache ORDER BY created_at, key').all() as unknown as Row[]).map(fromRow);
  }

  /** A step made (again): a key seen before now names the new image and starts over. */
  put(key: string, imageId: string, description: string, now = nowNano()): void {
    this.#db
      .statement(`INSERT INTO build_cache (key, image_id, description, created_at, last_used_at, usage_count) VALUES (?, ?, ?, ?, ?, 1)
        ON CONFLICT (key) DO UPDATE SET image_id = excluded.image_id, description = excluded.description,
          created_at = excluded.created_at, last_used_at = excluded.last_used_at, usage_count = 1`)
      .run(key, imageId, description, now, now);
  }

  /** A hit. */
  touch(key: string, now = nowNano()): void {
    this.#db.statement('UPDATE build_cache SET last_used_at = ?, usage_count = usage_count + 1 WHERE key = ?').run(now, key);
  }

  delete(key: string): void {
    this.#db.statement('DELETE FROM build_cache WHERE key = ?').run(key);
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }
}
