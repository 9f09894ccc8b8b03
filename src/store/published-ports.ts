// Host ports published by containers (`-p`, `-P`): what the firewall's rules say, kept in the
// store so `ps`, inspect and `port` show them, berthd re-applies them after a restart, and two
// containers never hold one host port. A row lives from the start that published it to the
// run's end; the UNIQUE key guards a port against two concurrent starts, also across crashes.
//
//   published_ports
//     container_id TEXT, proto TEXT (tcp|udp|sctp), host_ip TEXT ("" = every address),
//     host_port INTEGER, container_port INTEGER, container_ip TEXT, bridge TEXT;
//     UNIQUE (proto, host_port, host_ip)
import type { Database } from './database.ts';

export interface PublishedPort {
  containerId: string;
  proto: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  hostPort: number;
  containerPort: number;
  containerIp: string;
  bridge: string;
}

export const PUBLISHED_PORTS_MIGRATION = `CREATE TABLE published_ports (
     container_id TEXT NOT NULL,
     proto TEXT NOT NULL,
     host_ip TEXT NOT NULL,
     host_port INTEGER NOT NULL,
     container_port INTEGER NOT NULL,
     container_ip TEXT NOT NULL,
     bridge TEXT NOT NULL,
     UNIQUE (proto, host_port, host_ip)
   );
   CREATE INDEX published_ports_container ON published_ports (container_id);`;

interface Row {
  container_id: string;
  proto: PublishedPort['proto'];
  host_ip: string;
  host_port: number;
  container_port: number;
  container_ip: string;
  bridge: string;
}

const fromRow = (r: Row): PublishedPort => ({
  containerId: r.container_id, proto: r.proto, hostIp: r.host_ip, hostPort: r.host_port,
  containerPort: r.container_port, containerIp: r.container_ip, bridge: r.bridge,
});

export class PublishedPortsTable {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  of(containerId: string): PublishedPort[] {
    return (this.#db.statement('SELECT * FROM published_ports WHERE container_id = ? ORDER BY rowid').all(containerId) as unknown as Row[]).map(fromRow);
  }

  all(): PublishedPort[] {
    return (this.#db.statement('SELECT * FROM published_ports ORDER BY rowid').all() as unknown as Row[]).map(fromRow);
  }

  /** Who holds `port` (an "every address" row and a one-address row for the same port clash). */
  holder(proto: string, hostIp: string, hostPort: number): PublishedPort | undefined {
    const r = this.#db.statement(`SELECT * FROM published_ports WHERE proto = ? AND host_port = ? AND (host_ip = ? OR host_ip = '' OR ? = '') LIMIT 1`)
      .get(proto, hostPort, hostIp, hostIp) as unknown as Row | undefined;
    return r && fromRow(r);
  }

  /** Replaces the container's rows in one transaction; throws (the caller's conflict) when a
   * port is held by another container. */
  replace(containerId: string, ports: readonly PublishedPort[]): void {
    this.#db.transaction(() => {
      this.#db.statement('DELETE FROM published_ports WHERE container_id = ?').run(containerId);
      const insert = this.#db.statement('INSERT INTO published_ports VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const p of ports) insert.run(containerId, p.proto, p.hostIp, p.hostPort, p.containerPort, p.containerIp, p.bridge);
    });
  }

  release(containerId: string): void {
    this.#db.statement('DELETE FROM published_ports WHERE container_id = ?').run(containerId);
  }
}
