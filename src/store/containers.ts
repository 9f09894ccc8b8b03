// Containers in the metadata store: their configuration and their last known state. The
// runtime (runc behind conmon) is the truth about a running process; this table is what
// berthd acknowledged, and what it re-adopts from after a restart.
import type { Database } from './database.ts';
import type { ContainerConfig, HostConfig } from '../api/types/engine-api.ts';

/** One probe's result, as State.Health.Log shows it. */
export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** State.Health: kept across berthd restarts (the `health` column, JSON). */
export interface ContainerHealth {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** A mount resolved at create (the `mounts` column): inspect's Mounts fields first, then what
 * berthd needs to set it up at each start (never shown). */
export interface StoredMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** A volume filled from the image's directory while it is empty (not with NoCopy). */
  copyData?: boolean;
  /** The container made this volume (anonymous): `rm -v` removes it. */
  anonymous?: boolean;
  /** tmpfs: the mount data (size=, mode=, flags). */
  tmpfsData?: string;
  /** A bind from `-v`/Binds: a missing host directory is made at start, as dockerd does. */
  createSource?: boolean;
  /** HostConfig.Tmpfs: mounted, but not listed in Mounts (as dockerd). */
  hidden?: boolean;
  /** BindOptions.NonRecursive. */
  nonRecursive?: boolean;
  /** VolumeOptions.Subpath: the directory inside the volume that is mounted. */
  subpath?: string;
  /** A bind judged by an authorization rule with limits: the real path it approved at create.
   * Each start mounts exactly that, opened without following symlinks (runtime/spec/pinned-binds.ts). */
  approvedSource?: string;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** A process exists: running, or frozen by pause. */
export const hasProcess = (s: ContainerStatus): boolean => s === 'running' || s === 'paused';
/** Up as docker counts it (State.Running, `ps` without -a): a process, or a restart pending. */
export const isActive = (s: ContainerStatus): boolean => hasProcess(s) || s === 'restarting';

export interface ContainerRow {
  id: string;
  name: string;
  imageId: string;
  image: string;
  created: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  status: ContainerStatus;
  pid: number;
  conmonPid: number;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  error: string;
  oomKilled: boolean;
  restartCount: number;
  rwCacheId: string;
  logPath: string;
  manuallyStopped: boolean;
  /** Set once a container with a health check has been started. */
  health?: ContainerHealth;
  /** Resolved at create; absent in rows made before volumes (read as none). */
  mounts?: StoredMount[];
}

type Row = Record<string, string | number | null>;

function fromRow(r: Row): ContainerRow {
  return {
    id: r.id as string,
    name: r.name as string,
    imageId: r.image_id as string,
    image: r.image as string,
    created: r.created as string,
    config: JSON.parse(r.config as string) as ContainerConfig,
    hostConfig: JSON.parse(r.host_config as string) as HostConfig,
    status: r.status as ContainerStatus,
    pid: Number(r.pid),
    conmonPid: Number(r.conmon_pid),
    exitCode: Number(r.exit_code),
    startedAt: r.started_at as string,
    finishedAt: r.finished_at as string,
    error: r.error as string,
    oomKilled: Number(r.oom_killed) === 1,
    restartCount: Number(r.restart_count),
    rwCacheId: r.rw_cache_id as string,
    logPath: r.log_path as string,
    manuallyStopped: Number(r.manually_stopped) === 1,
    ...(r.health ? { health: JSON.parse(r.health as string) as ContainerHealth } : {}),
    mounts: JSON.parse((r.mounts as string | null) ?? '[]') as StoredMount[],
  };
}

export type StateUpdate = Partial<Pick<ContainerRow, 'status' | 'pid' | 'conmonPid' | 'exitCode' | 'startedAt' | 'finishedAt' | 'error' | 'oomKilled' | 'restartCount' | 'logPath' | 'manuallyStopped'>>;

const COLUMNS: Record<keyof StateUpdate, string> = {
  status: 'status', pid: 'pid', conmonPid: 'conmon_pid', exitCode: 'exit_code', startedAt: 'started_at',
  finishedAt: 'finished_at', error: 'error', oomKilled: 'oom_killed', restartCount: 'restart_count', logPath: 'log_path',
  manuallyStopped: 'manually_stopped',
};

export class ContainersTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /** The row, and `with` (the container's endpoints) in the same transaction. */
  insert(c: ContainerRow, withRow?: () => void): void {
    this.#db.transaction(() => {
      this.#insertRow(c);
      withRow?.();
    });
  }

  #insertRow(c: ContainerRow): void {
    this.#db
      .statement(`INSERT INTO containers (id, name, image_id, image, created, config, host_config, status, rw_cache_id, log_path, mounts)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(c.id, c.name, c.imageId, c.image, c.created, JSON.stringify(c.config), JSON.stringify(c.hostConfig), c.status, c.rwCacheId, c.logPath, JSON.stringify(c.mounts ?? []));
  }

  get(id: string): ContainerRow | undefined {
    const r = this.#db.statement('SELECT * FROM containers WHERE id = ?').get(id) as Row | undefined;
    return r && fromRow(r);
  }

  byName(name: string): ContainerRow | undefined {
    const r = this.#db.statement('SELECT * FROM containers WHERE name = ?').get(name) as Row | undefined;
    return r && fromRow(r);
  }

  byIdPrefix(prefix: string): ContainerRow[] {
    return (this.#db.statement('SELECT * FROM containers WHERE id >= ? AND id < ? LIMIT 2').all(prefix, `${prefix}\u{10ffff}`) as Row[]).map(fromRow);
  }

  all(): ContainerRow[] {
    return (this.#db.statement('SELECT * FROM containers ORDER BY created DESC, rowid DESC').all() as Row[]).map(fromRow);
  }

  usingImage(imageId: string): ContainerRow[] {
    return (this.#db.statement('SELECT * FROM containers WHERE image_id = ?').all(imageId) as Row[]).map(fromRow);
  }

  update(id: string, u: StateUpdate): void {
    const keys = Object.keys(u) as (keyof StateUpdate)[];
    if (!keys.length) return;
    const sql = `UPDATE containers SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`;
    const values = keys.map((k) => (typeof u[k] === 'boolean' ? (u[k] ? 1 : 0) : (u[k] as string | number)));
    this.#db.statement(sql).run(...values, id);
  }

  /** POST /containers/{id}/update: the new resources and restart policy. */
  setHostConfig(id: string, hostConfig: Record<string, unknown>): void {
    this.#db.statement('UPDATE containers SET host_config = ? WHERE id = ?').run(JSON.stringify(hostConfig), id);
  }

  /** State.Health after a probe (or a start or stop of the monitor); null clears it. */
  setHealth(id: string, health: ContainerHealth | null): void {
    this.#db.statement('UPDATE containers SET health = ? WHERE id = ?').run(health && JSON.stringify(health), id);
  }

  /** The resolved mounts, after their first set-up (copy-up is done once, as dockerd). */
  setMounts(id: string, mounts: StoredMount[]): void {
    this.#db.statement('UPDATE containers SET mounts = ? WHERE id = ?').run(JSON.stringify(mounts), id);
  }

  /** Ids of the containers whose mounts name this volume (it is in use while any exists). */
  usingVolume(name: string): string[] {
    const rows = this.#db
      .statement(`SELECT DISTINCT c.id FROM containers c, json_each(c.mounts) m WHERE json_extract(m.value, '$.Name') = ? ORDER BY c.created, c.rowid`)
      .all(name) as { id: string }[];
    return rows.map((r) => r.id);
  }

  rename(id: string, name: string): void {
    this.#db.statement('UPDATE containers SET name = ? WHERE id = ?').run(name, id);
  }

  /** Removes the container's row with the host ports it may still hold: a network tear-down
   * that failed (retried at the container's next start, which a removed one never has) would
   * otherwise leave its ports allocated to a container that no longer exists. */
  delete(id: string): void {
    this.#db.transaction(() => {
      this.#db.statement('DELETE FROM published_ports WHERE container_id = ?').run(id);
      this.#db.statement('DELETE FROM containers WHERE id = ?').run(id);
    });
  }
}
