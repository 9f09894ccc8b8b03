// The JSON shapes of GET /images/json, /images/{name}/json and /history, built from the store
// and the image config, per API version where the version history says they differ.
import type { ImageRow, ImagesTable } from '../../store/images.ts';
import type { ContentStore } from '../../image/content/content-store.ts';
import type { ContainerConfig, ImageConfig } from '../../image/types.ts';
import { familiarString, parseReference } from '../../image/reference.ts';
import { versionLessThan } from '../../api/types/version.ts';

export interface ImageFacts {
  row: ImageRow;
  config: ImageConfig;
  tags: string[];
  digests: string[];
  size: number;
}

export function imageFacts(table: ImagesTable, content: ContentStore, row: ImageRow): ImageFacts {
  return factsWith(table, row, content.readJson<ImageConfig>(row.id));
}

/** imageFacts with the config read off the event loop. */
export async function imageFactsAsync(table: ImagesTable, content: ContentStore, row: ImageRow): Promise<ImageFacts> {
  return factsWith(table, row, await content.readJsonAsync<ImageConfig>(row.id));
}

function factsWith(table: ImagesTable, row: ImageRow, config: ImageConfig): ImageFacts {
  const refs = table.refsOf(row.id);
  const familiar = (r: string) => familiarString(parseReference(r));
  return {
    row,
    config,
    tags: refs.filter((r) => r.kind === 'tag').map((r) => familiar(r.ref)),
    digests: refs.filter((r) => r.kind === 'digest').map((r) => familiar(r.ref)),
    size: table.layersOf(row.id).reduce((n, l) => n + l.size, 0),
  };
}

export function createdSeconds(config: ImageConfig): number {
  const ms = config.created ? Date.parse(config.created) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

export function summaryView(f: ImageFacts, version: string, containers = -1, sharedSize = -1): Record<string, unknown> {
  const old = versionLessThan(version, '1.43');
  const view: Record<string, unknown> = {
    Id: f.row.id,
    ParentId: f.row.parent ?? '',
    RepoTags: f.tags.length || !old ? f.tags : ['<none>:<none>'],
    RepoDigests: f.digests.length || !old ? f.digests : ['<none>@<none>'],
    Created: createdSeconds(f.config),
    Size: f.size,
    SharedSize: sharedSize,
    Labels: f.config.config?.Labels ?? {},
    Containers: containers,
  };
  if (versionLessThan(version, '1.44')) view.VirtualSize = f.size;
  return view;
}

const LEGACY_CONFIG_FIELDS: ContainerConfig & Record<string, unknown> = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
  Tty: false, OpenStdin: false, StdinOnce: false, Env: null as unknown as string[], Cmd: null, Image: '',
  Volumes: null as unknown as Record<string, object>, WorkingDir: '', Entrypoint: null, OnBuild: null,
  Labels: null as unknown as Record<string, string>,
};

export function inspectView(f: ImageFacts, version: string, graphDriver: { Name: string; Data: Record<string, string> | null }): Record<string, unknown> {
  const cfg = f.config;
  const config = versionLessThan(version, '1.50') ? { ...LEGACY_CONFIG_FIELDS, ...cfg.config } : (cfg.config ?? {});
  const view: Record<string, unknown> = {
    Id: f.row.id,
    RepoTags: f.tags,
    RepoDigests: f.digests,
    Parent: f.row.parent ?? '',
    Comment: cfg.history?.at(-1)?.comment ?? '',
    ...(cfg.created || versionLessThan(version, '1.44') ? { Created: cfg.created ?? '0001-01-01T00:00:00Z' } : {}),
    DockerVersion: cfg.docker_version ?? '',
    Author: cfg.author ?? '',
    Config: config,
    Architecture: cfg.architecture,
    ...(cfg.variant && { Variant: cfg.variant }),
    Os: cfg.os,
    Size: f.size,
    GraphDriver: graphDriver,
    RootFS: { Type: 'layers', Layers: cfg.rootfs?.diff_ids ?? [] },
    Metadata: { LastTagTime: f.row.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
  if (versionLessThan(version, '1.45')) {
    view.Container = cfg.container ?? '';
    view.ContainerConfig = { ...LEGACY_CONFIG_FIELDS, ...cfg.container_config };
  }
  if (versionLessThan(version, '1.44')) view.VirtualSize = f.size;
  return view;
}

/** Newest first; layers that are not this image's top are `<missing>`, as in dockerd. */
/** lineage: the image and then its parent images, nearest first (dockerd names each history
 * entry, from the newest, by the image at that point of the parent chain). */
export function historyView(f: ImageFacts, layerSizes: number[], lineage: { id: string; tags: string[] }[]): Record<string, unknown>[] {
  const entries = f.config.history ?? [];
  const out: Record<string, unknown>[] = [];
  let layer = 0;
  for (const h of entries) {
    const size = h.empty_layer ? 0 : (layerSizes[layer++] ?? 0);
    out.push({ Id: '<missing>', Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0, CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  if (out.length === 0) out.push({ Id: '<missing>', Created: createdSeconds(f.config), CreatedBy: '', Tags: null, Size: f.size, Comment: '' });
  out.reverse();
  lineage.slice(0, out.length).forEach((img, i) => {
    out[i]!.Id = img.id;
    out[i]!.Tags = img.tags.length ? img.tags : null;
  });
  return out;
}
