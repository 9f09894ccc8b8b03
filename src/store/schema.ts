// The on-disk schema of berthd's metadata store (<data-root>/berth.db, SQLite in WAL mode).
// Every change to it is a new migration appended below; a migration runs once, inside the
// same transaction that bumps `PRAGMA user_version`, so a crash mid-migration leaves the old
// schema intact.
//
//   events                           the persisted /events journal
//   ┌──────────┬─────────┬────────────────────────────────────────────────┐
//   │ seq      │ INTEGER │ primary key, insertion order                   │
//   │ time_nano│ INTEGER │ unix nanoseconds (as reported in timeNano)     │
//   │ type     │ TEXT    │ container | image | volume | network | daemon …│
//   │ action   │ TEXT    │ create, start, die, exec_start: sh, …          │
//   │ actor_id │ TEXT    │ Actor.ID                                       │
//   │ attrs    │ TEXT    │ JSON object, Actor.Attributes                  │
//   │ scope    │ TEXT    │ "local"                                        │
//   └──────────┴─────────┴────────────────────────────────────────────────┘
//   index events_time (time_nano)
//
//   settings                         small daemon-wide facts (daemon ID, ...)
//   ┌──────────┬─────────┐
//   │ key      │ TEXT PK │
//   │ value    │ TEXT    │
//   └──────────┴─────────┘

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     time_nano INTEGER NOT NULL,
     type TEXT NOT NULL,
     action TEXT NOT NULL,
     actor_id TEXT NOT NULL,
     attrs TEXT NOT NULL DEFAULT '{}',
     scope TEXT NOT NULL DEFAULT 'local'
   );
   CREATE INDEX events_time ON events (time_nano);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];
