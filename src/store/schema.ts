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
//   layers                           one row per layer chain (docker's chain id)
//   ┌──────────┬─────────┬────────────────────────────────────────────────┐
//   │ chain_id │ TEXT PK │ sha256 chain id                                 │
//   │ diff_id  │ TEXT    │ sha256 of the uncompressed layer tar            │
//   │ parent   │ TEXT    │ chain id of the layer below (NULL at the base)  │
//   │ cache_id │ TEXT    │ directory name in the layer store (unique)      │
//   │ size     │ INTEGER │ bytes of file content in this layer             │
//   └──────────┴─────────┴────────────────────────────────────────────────┘
//   images                           one row per image (id = config digest)
//     id TEXT PK, top_chain TEXT → layers (NULL for an image without layers),
//     created_at TEXT (when berthd got it), last_tag_time TEXT, parent TEXT (build parent)
//   image_layers                     which layers each image stands on (refcounts)
//     image_id → images, position INTEGER, chain_id → layers; PK (image_id, position)
//   image_refs                       RepoTags and RepoDigests
//     ref TEXT PK ("docker.io/library/busybox:latest" or "...@sha256:..."),
//     image_id → images, kind TEXT ('tag' | 'digest')
//   layer_blobs                      where a layer came from (push dedupe, cross-repo mount)
//     diff_id, blob_digest, media_type, size, repository; PK (diff_id, blob_digest, repository)
//   containers                       one row per container
//     id TEXT PK (64 hex), name TEXT UNIQUE ("/web"), image_id → images, image TEXT (as asked),
//     created TEXT, config TEXT (JSON Config), host_config TEXT (JSON HostConfig),
//     status TEXT (created|running|paused|restarting|removing|exited|dead), pid INTEGER,
//     conmon_pid INTEGER, exit_code INTEGER, started_at TEXT, finished_at TEXT, error TEXT,
//     oom_killed INTEGER, restart_count INTEGER, rw_cache_id TEXT (writable layer),
//     log_path TEXT, health TEXT (JSON State.Health: Status, FailingStreak, Log; NULL until a
//     container with a health check first starts)
//
//   networks                         one row per network (predefined bridge/host/none too)
//     id TEXT PK (64 hex), name TEXT UNIQUE, driver TEXT (bridge|host|null), created TEXT,
//     scope TEXT ("local"), internal, attachable, enable_ipv6 INTEGER (0/1),
//     ipam TEXT (JSON IPAM as inspect shows it), options TEXT (JSON), labels TEXT (JSON),
//     bridge TEXT (the Linux bridge's name; '' for host and none)
//   endpoints                        IPAM: one row per (container, network) attachment
//   ┌──────────────┬─────────┬─────────────────────────────────────────────┐
//   │ container_id │ TEXT    │ → containers (no FK: removal order is free) │
//   │ network_id   │ TEXT    │ → networks ON DELETE CASCADE                │
//   │ address      │ TEXT    │ IPv4 without prefix; NULL on host/none      │
//   │ mac          │ TEXT    │ 02:42:... derived from the IPv4, or asked   │
//   │ ipv6         │ TEXT    │ IPv6 without prefix, or NULL                │
//   │ aliases      │ TEXT    │ JSON list                                   │
//   │ endpoint_id  │ TEXT    │ 64 hex, EndpointID                          │
//   │ host_if      │ TEXT    │ host side of the veth pair                  │
//   │ netns        │ TEXT    │ name of the container's network namespace   │
//   │ if_index     │ INTEGER │ 0 → eth0, 1 → eth1 ...                      │
//   │ config       │ TEXT    │ JSON EndpointSettings as asked (IPAMConfig, │
//   │              │         │ Aliases, Links, DriverOpts, MacAddress)     │
//   └──────────────┴─────────┴─────────────────────────────────────────────┘
//   PK (container_id, network_id); UNIQUE (network_id, address) and (network_id, ipv6): the
//   store itself refuses one address twice, whatever a crash interrupted.
//   volumes                          one row per volume (driver "local": <data-root>/volumes/<name>/_data)
//   ┌────────────┬─────────┬──────────────────────────────────────────────┐
//   │ name       │ TEXT PK │ [a-zA-Z0-9][a-zA-Z0-9_.-]+, or 64 hex (anon.) │
//   │ driver     │ TEXT    │ "local"                                       │
//   │ created_at │ TEXT    │ RFC 3339, seconds (CreatedAt)                 │
//   │ labels     │ TEXT    │ JSON object or null, as given                 │
//   │ options    │ TEXT    │ JSON object or null: DriverOpts (type, o, …)  │
//   │ anonymous  │ INTEGER │ 1: made for a container (prune without all)   │
//   │ approved_  │ TEXT    │ o=bind device's real path a rule with limits  │
//   │  device    │         │ approved (mounted pinned); NULL: none did     │
//   └────────────┴─────────┴──────────────────────────────────────────────┘
//   published_ports                  host ports of running containers (published-ports.ts draws it)
//   containers.mounts                TEXT, JSON array of the mount points resolved at create
//     (container-mounts.ts: inspect's Mounts fields plus how to set each up); a volume is in use
//     while a container's mounts name it.
//
//   build_cache                      the classic builder's step cache (build-cache.ts draws it)
//
//   settings                         small daemon-wide facts (daemon ID, ...)
//   ┌──────────┬─────────┐
//   │ key      │ TEXT PK │
//   │ value    │ TEXT    │
//   └──────────┴─────────┘

import { PUBLISHED_PORTS_MIGRATION } from './published-ports.ts';
import { BUILD_CACHE_MIGRATION } from './build-cache.ts';

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
  `CREATE TABLE layers (
     chain_id TEXT PRIMARY KEY,
     diff_id TEXT NOT NULL,
     parent TEXT REFERENCES layers (chain_id),
     cache_id TEXT NOT NULL UNIQUE,
     size INTEGER NOT NULL
   );
   CREATE TABLE images (
     id TEXT PRIMARY KEY,
     top_chain TEXT REFERENCES layers (chain_id),
     created_at TEXT NOT NULL,
     last_tag_time TEXT,
     parent TEXT
   );
   CREATE TABLE image_layers (
     image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     chain_id TEXT NOT NULL REFERENCES layers (chain_id),
     PRIMARY KEY (image_id, position)
   );
   CREATE INDEX image_layers_chain ON image_layers (chain_id);
   CREATE TABLE image_refs (
     ref TEXT PRIMARY KEY,
     image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('tag', 'digest'))
   );
   CREATE INDEX image_refs_image ON image_refs (image_id);
   CREATE TABLE layer_blobs (
     diff_id TEXT NOT NULL,
     blob_digest TEXT NOT NULL,
     media_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     repository TEXT NOT NULL,
     PRIMARY KEY (diff_id, blob_digest, repository)
   );`,
  `CREATE TABLE containers (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     image_id TEXT NOT NULL REFERENCES images (id),
     image TEXT NOT NULL,
     created TEXT NOT NULL,
     config TEXT NOT NULL,
     host_config TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'created',
     pid INTEGER NOT NULL DEFAULT 0,
     conmon_pid INTEGER NOT NULL DEFAULT 0,
     exit_code INTEGER NOT NULL DEFAULT 0,
     started_at TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z',
     finished_at TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z',
     error TEXT NOT NULL DEFAULT '',
     oom_killed INTEGER NOT NULL DEFAULT 0,
     restart_count INTEGER NOT NULL DEFAULT 0,
     rw_cache_id TEXT NOT NULL,
     log_path TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX containers_image ON containers (image_id);`,
  // Whether a user stopped the container (stop or kill): restart policies always and
  // unless-stopped leave such a container alone, on exit and at daemon start.
  `ALTER TABLE containers ADD COLUMN manually_stopped INTEGER NOT NULL DEFAULT 0;`,
  // State.Health, so a berthd restart keeps a container's health status and probe log.
  `ALTER TABLE containers ADD COLUMN health TEXT;`,
  // Networks and their endpoints (IPAM), issue 10.
  `CREATE TABLE networks (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     driver TEXT NOT NULL,
     created TEXT NOT NULL,
     scope TEXT NOT NULL DEFAULT 'local',
     internal INTEGER NOT NULL DEFAULT 0,
     attachable INTEGER NOT NULL DEFAULT 0,
     enable_ipv6 INTEGER NOT NULL DEFAULT 0,
     ipam TEXT NOT NULL,
     options TEXT NOT NULL DEFAULT '{}',
     labels TEXT NOT NULL DEFAULT '{}',
     bridge TEXT NOT NULL DEFAULT ''
   );
   CREATE TABLE endpoints (
     container_id TEXT NOT NULL,
     network_id TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
     address TEXT,
     mac TEXT NOT NULL DEFAULT '',
     ipv6 TEXT,
     aliases TEXT NOT NULL DEFAULT '[]',
     endpoint_id TEXT NOT NULL,
     host_if TEXT NOT NULL DEFAULT '',
     netns TEXT NOT NULL DEFAULT '',
     if_index INTEGER NOT NULL DEFAULT 0,
     config TEXT NOT NULL DEFAULT '{}',
     PRIMARY KEY (container_id, network_id),
     UNIQUE (network_id, address),
     UNIQUE (network_id, ipv6)
   );
   CREATE INDEX endpoints_network ON endpoints (network_id);`,
  // Volumes, and each container's resolved mounts (which volumes it uses: removal and prune
  // read them, so they live in the same transaction as the container's row).
  `CREATE TABLE volumes (
     name TEXT PRIMARY KEY,
     driver TEXT NOT NULL,
     created_at TEXT NOT NULL,
     labels TEXT,
     options TEXT,
     anonymous INTEGER NOT NULL DEFAULT 0
   );
   ALTER TABLE containers ADD COLUMN mounts TEXT NOT NULL DEFAULT '[]';`,
  // Published ports (published-ports.ts): a host port is held by one container, across crashes.
  PUBLISHED_PORTS_MIGRATION,
  // The build cache (build-cache.ts), issue 11: weak references to the images steps made.
  BUILD_CACHE_MIGRATION,
  // Host ports of containers already removed: before a removal took its ports along
  // (containers.ts delete), a failed network tear-down left them allocated to no container.
  `DELETE FROM published_ports WHERE container_id NOT IN (SELECT id FROM containers);`,
  // The real path of an o=bind volume's device as an authorization rule with limits approved
  // it: the local driver mounts that path, opened with no symlink on the way, and nothing else.
  `ALTER TABLE volumes ADD COLUMN approved_device TEXT;`,
];
