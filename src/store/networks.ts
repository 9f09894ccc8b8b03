// Networks and their endpoints in the metadata store. The endpoints table is berthd's IPAM:
// an address is taken by inserting a row, and UNIQUE (network_id, address) makes the store
// refuse a second holder whatever a crash interrupted.
import type { Database } from './database.ts';
import type { EndpointConfig, EndpointRecord, NetworkRow } from './network-types.ts';

export type { EndpointConfig, EndpointRecord, IpamPool, NetworkIpam, NetworkRow } from './network-types.ts';

type Row = Record<string, string | number | null>;

function networkFromRow(r: Row): NetworkRow {
  return {
    id: r.id as string,
    name: r.name as string,
    driver: r.driver as string,
    created: r.created as string,
    scope: r.scope as string,
    internal: r.internal === 1,
    attachable: r.attachable === 1,
    enableIPv6: r.enable_ipv6 === 1,
    ipam: JSON.parse(r.ipam as string) as NetworkRow['ipam'],
    options: JSON.parse(r.options as string) as Record<string, string>,
    labels: JSON.parse(r.labels as string) as Record<string, string>,
    bridge: r.bridge as string,
  };
}

function endpointFromRow(r: Row): EndpointRecord {
  const config = JSON.parse(r.config as string) as EndpointConfig;
  return {
    containerId: r.container_id as string,
    network: r.network_id as string,
    ifIndex: Number(r.if_index),
    address: (r.address as string | null) ?? '',
    mac: r.mac as string,
    ...(r.ipv6 !== null && { ipv6Address: r.ipv6 as string }),
    aliases: JSON.parse(r.aliases as string) as string[],
    hostIf: r.host_if as string,
    netns: r.netns as string,
    endpointId: r.endpoint_id as string,
    ...(config.Links?.length && { links: config.Links }),
    ...(config.IPAMConfig && { ipamConfig: config.IPAMConfig }),
    ...(config.DriverOpts && { driverOpts: config.DriverOpts }),
  };
}

export class NetworksTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  insert(n: NetworkRow): void {
    this.#db
      .statement(`INSERT INTO networks (id, name, driver, created, scope, internal, attachable, enable_ipv6, ipam, options, labels, bridge)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(n.id, n.name, n.driver, n.created, n.scope, +n.internal, +n.attachable, +n.enableIPv6,
        JSON.stringify(n.ipam), JSON.stringify(n.options), JSON.stringify(n.labels), n.bridge);
  }

  get(id: string): NetworkRow | undefined {
    const r = this.#db.statement('SELECT * FROM networks WHERE id = ?').get(id) as Row | undefined;
    return r && networkFromRow(r);
  }

  byName(name: string): NetworkRow | undefined {
    const r = this.#db.statement('SELECT * FROM networks WHERE name = ?').get(name) as Row | undefined;
    return r && networkFromRow(r);
  }

  byIdPrefix(prefix: string): NetworkRow[] {
    return (this.#db.statement('SELECT * FROM networks WHERE id >= ? AND id < ? LIMIT 2').all(prefix, `${prefix}\u{10ffff}`) as Row[]).map(networkFromRow);
  }

  all(): NetworkRow[] {
    return (this.#db.statement('SELECT * FROM networks ORDER BY created, rowid').all() as Row[]).map(networkFromRow);
  }

  /** The default bridge's settings changed (--bip, --bridge, --mtu ...). */
  setBridge(id: string, u: Pick<NetworkRow, 'ipam' | 'options' | 'bridge'>): void {
    this.#db.statement('UPDATE networks SET ipam = ?, options = ?, bridge = ? WHERE id = ?').run(JSON.stringify(u.ipam), JSON.stringify(u.options), u.bridge, id);
  }

  delete(id: string): void {
    this.#db.statement('DELETE FROM networks WHERE id = ?').run(id);
  }
}

export interface EndpointInsert {
  record: EndpointRecord;
  config: EndpointConfig;
}

export class EndpointsTable {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  insert({ record: e, config }: EndpointInsert): void {
    this.#db
      .statement(`INSERT INTO endpoints (container_id, network_id, address, mac, ipv6, aliases, endpoint_id, host_if, netns, if_index, config)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(e.containerId, e.network, e.address || null, e.mac, e.ipv6Address ?? null, JSON.stringify(e.aliases),
        e.endpointId, e.hostIf, e.netns, e.ifIndex, JSON.stringify(config));
  }

  get(containerId: string, networkId: string): EndpointRecord | undefined {
    const r = this.#db.statement('SELECT * FROM endpoints WHERE container_id = ? AND network_id = ?').get(containerId, networkId) as Row | undefined;
    return r && endpointFromRow(r);
  }

  /** The EndpointSettings the client asked for (inspect shows them verbatim). */
  configOf(containerId: string, networkId: string): EndpointConfig | undefined {
    const r = this.#db.statement('SELECT config FROM endpoints WHERE container_id = ? AND network_id = ?').get(containerId, networkId) as { config: string } | undefined;
    return r && (JSON.parse(r.config) as EndpointConfig);
  }

  ofContainer(containerId: string): EndpointRecord[] {
    return (this.#db.statement('SELECT * FROM endpoints WHERE container_id = ? ORDER BY if_index').all(containerId) as Row[]).map(endpointFromRow);
  }

  /** Every endpoint with the settings its client asked for: one query for a whole `ps`. */
  all(): { record: EndpointRecord; config: EndpointConfig }[] {
    return (this.#db.statement('SELECT * FROM endpoints ORDER BY if_index').all() as Row[]).map((r) => ({ record: endpointFromRow(r), config: JSON.parse(r.config as string) as EndpointConfig }));
  }

  ofNetwork(networkId: string): EndpointRecord[] {
    return (this.#db.statement('SELECT * FROM endpoints WHERE network_id = ? ORDER BY rowid').all(networkId) as Row[]).map(endpointFromRow);
  }

  addressesIn(networkId: string): Set<string> {
    const rows = this.#db.statement('SELECT address, ipv6 FROM endpoints WHERE network_id = ?').all(networkId) as { address: string | null; ipv6: string | null }[];
    return new Set(rows.flatMap((r) => [r.address, r.ipv6].filter((a): a is string => a !== null)));
  }

  countIn(networkId: string): number {
    return Number((this.#db.statement('SELECT count(*) AS n FROM endpoints WHERE network_id = ?').get(networkId) as { n: number }).n);
  }

  delete(containerId: string, networkId: string): boolean {
    return Number(this.#db.statement('DELETE FROM endpoints WHERE container_id = ? AND network_id = ?').run(containerId, networkId).changes) > 0;
  }

  deleteContainer(containerId: string): number {
    return Number(this.#db.statement('DELETE FROM endpoints WHERE container_id = ?').run(containerId).changes);
  }
}
