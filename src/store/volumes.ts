// Volumes in the metadata store (schema.ts draws the table). The directory under
// <data-root>/volumes is the driver's; this row is what berthd acknowledged.
import type { Database } from './database.ts';

export interface VolumeRow {
  name: string;
  driver: string;
  createdAt: string;
  labels: Record<string, string> | null;
  options: Record<string, string> | null;
  anonymous: boolean;
  /** The real path of an o=bind device as a rule with limits approved it: the only thing the
   * local driver mounts for this volume (volume/local-driver.ts). */
  approvedDevice?: string;
}

type Row = Record<string, string | number | null>;

const json = (v: string | number | null): Record<string, string> | null => (typeof v === 'string' ? (JSON.parse(v) as Record<string, string> | null) : null);

function fromRow(r: Row): VolumeRow {
  return {
    name: r.name as string,
    driver: r.driver as string,
    createdAt: r.created_at as string,
    labels: json(r.labels),
    options: json(r.options),
    anonymous: Number(r.anonymous) === 1,
    ...(typeof r.approved_device === 'string' && { approvedDevice: r.approved_device }),
  };
}

export class VolumesTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts v unless a volume of that name exists; returns the row that is stored. */
  insertOrGet(v: VolumeRow): { row: VolumeRow; created: boolean } {
    return this.#db.transaction(() => {
      const old = this.get(v.name);
      if (old) return { row: old, created: false };
      this.#db
        .statement('INSERT INTO volumes (name, driver, created_at, labels, options, anonymous) VALUES (?, ?, ?, ?, ?, ?)')
        .run(v.name, v.driver, v.createdAt, v.labels && JSON.stringify(v.labels), v.options && JSON.stringify(v.options), v.anonymous ? 1 : 0);
      return { row: v, created: true };
    });
  }

  get(name: string): VolumeRow | undefined {
    const r = this.#db.statement('SELECT * FROM volumes WHERE name = ?').get(name) as Row | undefined;
    return r && fromRow(r);
  }

  all(): VolumeRow[] {
    return (this.#db.statement('SELECT * FROM volumes ORDER BY created_at, rowid').all() as Row[]).map(fromRow);
  }

  /** Records the approved real path of the volume's device, unless one is recorded: the first
   * approval stands (a later one may have judged a path swapped since). */
  approveDevice(name: string, path: string): void {
    this.#db.statement('UPDATE volumes SET approved_device = ? WHERE name = ? AND approved_device IS NULL').run(path, name);
  }

  delete(name: string): void {
    this.#db.statement('DELETE FROM volumes WHERE name = ?').run(name);
  }

  /** For callers that check "not in use" and delete in one step. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }
}
