// Archives in the `docker save` layout of Docker < 1.10, for tests: a directory per layer with
// `VERSION`, `json` (given as raw text, so tests control every byte the image id depends on)
// and `layer.tar`, plus `repositories`. Built with tar-stream, entries in the order given with
// mtime 0, so the same call always gives the same bytes.
import { pack } from 'tar-stream';
import { busyboxRootfs } from './busybox.ts';

export interface LegacyLayer {
  /** The directory name (the v1 id). */
  id: string;
  /** The v1 image json, byte for byte. */
  json: string;
  /** The layer tar, or a symlink to another layer's (as Docker 1.10-24 wrote shared layers). */
  layer: Buffer | { symlink: string };
}

export type ArchiveEntry = string | Buffer | { symlink: string } | { dir: true };

/** A tar of these entries, in this order (a name ending in / with { dir: true } is a directory). */
export async function tarOf(entries: Record<string, ArchiveEntry>): Promise<Buffer> {
  const p = pack();
  const done = collect(p);
  const mtime = new Date(0);
  for (const [name, v] of Object.entries(entries)) {
    if (typeof v === 'string' || Buffer.isBuffer(v)) p.entry({ name, mtime, mode: 0o644 }, v);
    else if ('symlink' in v) p.entry({ name, mtime, type: 'symlink', linkname: v.symlink });
    else p.entry({ name, mtime, type: 'directory', mode: 0o755 });
  }
  p.finalize();
  return done;
}

/** A legacy archive of these layers; repositories is name -> tag -> layer id (or raw text). */
export function legacyArchive(layers: readonly LegacyLayer[], repositories: Record<string, Record<string, string>> | string, extra: Record<string, ArchiveEntry> = {}): Promise<Buffer> {
  const entries: Record<string, ArchiveEntry> = {};
  for (const l of layers) {
    entries[`${l.id}/`] = { dir: true };
    entries[`${l.id}/VERSION`] = '1.0';
    entries[`${l.id}/json`] = l.json;
    entries[`${l.id}/layer.tar`] = l.layer;
  }
  entries.repositories = typeof repositories === 'string' ? repositories : JSON.stringify(repositories);
  return tarOf({ ...entries, ...extra });
}

/** A small layer: these files (and their directories), mtime 0, owner 0:0. */
export function smallLayer(files: Record<string, string>): Promise<Buffer> {
  const entries: Record<string, ArchiveEntry> = {};
  for (const [name, content] of Object.entries(files)) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) entries[`${parts.slice(0, i).join('/')}/`] = { dir: true };
    entries[name] = content;
  }
  return tarOf(entries);
}

/** The busybox root filesystem as one layer tar. */
export function busyboxLayer(): Promise<Buffer> {
  return collect(busyboxRootfs());
}

async function collect(s: AsyncIterable<unknown>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(out);
}

export const LEGACY_IDS = { base: 'a1'.repeat(32), one: 'b2'.repeat(32), two: 'c3'.repeat(32) } as const;

/**
 * Three layers, a base and two children of it, with v1 jsons that exercise what the image id
 * depends on: whitespace, escapes kept raw (\u0026, \/), HTML characters, numbers as written,
 * unknown and dropped fields, time zones and fractions, a string Cmd, every container.Config
 * kind. dockerVersion undefined leaves docker_version out (the pre-1.8.3 conversion path).
 */
export async function idsFixture(dockerVersion: string | undefined): Promise<LegacyLayer[]> {
  const { base, one, two } = LEGACY_IDS;
  const dv = dockerVersion === undefined ? '' : `"docker_version":${JSON.stringify(dockerVersion)},`;
  return [
    {
      id: base,
      json: `{"id":"${base}","created":"2015-10-31T22:22:54.690851953Z","container":"${'9f'.repeat(32)}","container_config":{"Hostname":"9f9f","Cmd":["/bin/sh","-c","#(nop) ADD file:4b1c in /"],"Env":null,"Labels":{}},${dv}"config":{"Hostname":"9f9f","Cmd":null,"Env":null},"architecture":"amd64","os":"linux","Size":1234}`,
      layer: await smallLayer({ 'etc/base': 'base layer\n' }),
    },
    {
      id: one,
      json: `{\n  "id": "${one}", "parent": "${base}",\n  "created": "2015-11-01T10:00:00.120000+01:00",\n  "author": "Ann <ann@example.com>", "comment": "tea & cake",\n  "container_config": {"Cmd": ["/bin/sh", "-c", "echo a \\u0026\\u0026 echo b > \\/x"], "Labels": {"k": "v"}},\n  ${dv}\n  "config": {"Cmd": ["cat", "/etc/one"], "Env": ["PATH=/bin", "NAME=caf\u00e9"], "ExposedPorts": {"80/tcp": {}}, "Memory": 1.0, "CpuShares": 1e3},\n  "architecture": "amd64", "os": "linux", "Size": 0, "throwaway": true, "layer_id": "x", "parent_id": "y", "zz_unknown": [1, 2.50]\n}\n`,
      layer: await smallLayer({ 'etc/one': 'layer one\n' }),
    },
    {
      id: two,
      json: `{"id":"${two}","parent":"${base}","created":"2016-02-29T23:59:59-07:30","container_config":{"Cmd":"echo two"},${dv}"config":{"cmd":["cat","/etc/two"],"Entrypoint":"","Healthcheck":{"Test":["CMD","true"],"Interval":30000000000},"StopTimeout":0,"Shell":[],"Volumes":{"/data":{}},"OnBuild":[],"Labels":{"a":null,"b":"<b>"},"WorkingDir":"/"},"os":"linux"}`,
      layer: await smallLayer({ 'etc/two': 'layer two\n' }),
    },
  ];
}

/** name -> tag -> layer for idsFixture: two names for layer one, one for layer two. */
export const IDS_REPOSITORIES = { 'legacy-ids': { one: LEGACY_IDS.one, two: LEGACY_IDS.two }, 'example.com/team/legacy-ids': { v1: LEGACY_IDS.one } };
