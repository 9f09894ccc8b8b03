// docker commit: the container's writable layer as a new layer on top of its image (the layer
// store's tar of it carries deletions as .wh. entries and opaque directories as .wh..wh..opq),
// with the container's config — or the one in the request — changed by `changes` (Dockerfile
// instructions) and filled in from the container's as dockerd's merge does, and a history
// entry. A commit with no changes adds no layer, only an empty_layer history entry.
import { commitTar } from './commit-tar.ts';
import type { Readable } from 'node:stream';
import type { ContainerRow } from '../../store/containers.ts';
import type { ImageService } from '../images/image-service.ts';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../../image/types.ts';
import type { CommitRequest } from '../../api/routers/container-files.ts';
import { applyChanges } from '../../image/changes.ts';
import { familiarString, parseReference, repositoryName } from '../../image/reference.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { ENGINE_VERSION } from '../../lib/build-info.ts';
import { mergeCommitConfig } from './commit-config.ts';

const TAG = /^[\w][\w.-]{0,127}$/;

/** The tag a commit asks for (dockerd's RepoTagReference): none without a repo. */
export function commitTag(repo: string, tag: string): { repo: string; tag: string; familiar: string } | undefined {
  if (repo === '') return undefined;
  const ref = parseReference(repo);
  if (ref.digest) throw invalidParameter('cannot import digest reference');
  if (tag !== '' && !TAG.test(tag)) throw invalidParameter('invalid tag format');
  const full = { ...ref, tag: tag || ref.tag || 'latest' };
  return { repo: repositoryName(full), tag: full.tag, familiar: familiarString(full) };
}

/** Dockerfile instructions as BuildFromConfig runs them: ENTRYPOINT drops a CMD not set before it. */
export function applyCommitChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  let out = structuredClone(config);
  let cmdSet = false;
  for (const line of changes.flatMap((c) => c.split('\n'))) {
    const instr = /^\s*(\S+)/.exec(line)?.[1]?.toUpperCase();
    out = applyChanges(out, [line]);
    if (instr === 'CMD') cmdSet = true;
    if (instr === 'ENTRYPOINT' && !cmdSet) out.Cmd = null;
  }
  return out;
}

export async function commitContainer(images: ImageService, c: ContainerRow, req: CommitRequest, rwTar: () => Readable): Promise<string> {
  const parent = images.deps.content.readJson<ImageConfig>(c.imageId);
  const parentLayers = images.table.layersOf(c.imageId);
  const containerConfig = c.config as ContainerConfig & Record<string, unknown>;
  const config = mergeCommitConfig(applyCommitChanges((req.config ?? containerConfig) as ContainerConfig, req.changes), containerConfig);
  const layerTar = await commitTar(rwTar);
  const empty = await isEmptyTar(layerTar());
  const layer = empty ? undefined : await images.importer.apply(parentLayers.at(-1), { open: layerTar });
  const created = new Date().toISOString();
  const history: HistoryEntry = {
    created,
    ...(req.author && { author: req.author }),
    ...(((containerConfig.Cmd as string[] | null | undefined) ?? []).length > 0 && { created_by: (containerConfig.Cmd as string[]).join(' ') }),
    ...(req.comment && { comment: req.comment }),
    ...(empty && { empty_layer: true }),
  };
  const image: ImageConfig = {
    created,
    container: c.id,
    container_config: containerConfig,
    docker_version: ENGINE_VERSION,
    ...(req.author && { author: req.author }),
    config,
    architecture: parent.architecture,
    ...(parent.variant && { variant: parent.variant }),
    os: parent.os,
    rootfs: { type: 'layers', diff_ids: [...parent.rootfs.diff_ids, ...(layer ? [layer.diffId] : [])] },
    history: [...(parent.history ?? []), history],
    ...(parent['os.version'] !== undefined && { 'os.version': parent['os.version'] }),
    ...(parent['os.features'] !== undefined && { 'os.features': parent['os.features'] }),
  };
  const id = images.commitImage(image, layer ? [...parentLayers, layer] : parentLayers, [], c.imageId);
  images.deps.events.emit('image', 'create', id, { name: id });
  return id;
}

/** An empty change set tars to the end-of-archive blocks alone (a tar never starts with zeros). */
async function isEmptyTar(tar: Readable): Promise<boolean> {
  try {
    for await (const chunk of tar as AsyncIterable<Buffer>) return chunk.every((b) => b === 0);
    return true;
  } finally {
    tar.destroy();
  }
}
