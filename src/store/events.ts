// The persisted events journal. Docker keeps 256 events in memory and forgets them at restart;
// berthd keeps them in the store, bounded by count, so `events --since` reaches back across
// restarts.
import type { Database } from './database.ts';

export interface StoredEvent {
  seq: number;
  timeNano: bigint;
  type: string;
  action: string;
  actorId: string;
  attributes: Record<string, string>;
  scope: string;
}

export interface EventQuery {
  sinceNano?: bigint;
  untilNano?: bigint;
  limit?: number;
}

interface Row {
  seq: number;
  time_nano: number | bigint;
  type: string;
  action: string;
  actor_id: string;
  attrs: string;
  scope: string;
}

export class EventsTable {
  readonly #db: Database;
  readonly #maxRows: number;
  #appendsSincePrune = 0;

  constructor(db: Database, maxRows = 100_000) {
    this.#db = db;
    this.#maxRows = maxRows;
  }

  append(e: Omit<StoredEvent, 'seq'>): StoredEvent {
    const res = this.#db
      .statement('INSERT INTO events (time_nano, type, action, actor_id, attrs, scope) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.timeNano, e.type, e.action, e.actorId, JSON.stringify(e.attributes), e.scope);
    if (++this.#appendsSincePrune >= 1000) this.prune();
    return { ...e, seq: Number(res.lastInsertRowid) };
  }

  /** Events with since <= time <= until, oldest first. */
  query(q: EventQuery = {}): StoredEvent[] {
    const stmt = this.#db.statement(
      'SELECT * FROM events WHERE time_nano >= ? AND time_nano <= ? ORDER BY seq LIMIT ?',
    );
    stmt.setReadBigInts(true);
    const rows = stmt.all(q.sinceNano ?? 0n, q.untilNano ?? 2n ** 62n, q.limit ?? this.#maxRows) as unknown as Row[];
    return rows.map(toEvent);
  }

  count(): number {
    return Number((this.#db.statement('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  }

  /** Keep the newest maxRows events. */
  prune(): void {
    this.#appendsSincePrune = 0;
    this.#db.statement('DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ?').run(this.#maxRows);
  }
}

function toEvent(r: Row): StoredEvent {
  return {
    seq: Number(r.seq),
    timeNano: BigInt(r.time_nano),
    type: r.type,
    action: r.action,
    actorId: r.actor_id,
    attributes: JSON.parse(r.attrs) as Record<string, string>,
    scope: r.scope,
  };
}
