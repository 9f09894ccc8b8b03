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
  const containerConfig = c.config as ContainerConfig & Record<string, unknown>;
  const config = mergeCommitConfig(applyCommitChanges((req.config ?? containerConfig) as ContainerConfig, req.changes), containerConfig);
  const cmd = (containerConfig.Cmd as string[] | null | undefined) ?? [];
  const spec = { config, containerConfig, ...(cmd.length > 0 && { createdBy: cmd.join(' ') }), ...(req.author && { author: req.author }), ...(req.comment && { comment: req.comment }) };
  return commitLayerImage(images, { container: c.id, parent: c.imageId }, spec, await commitTar(rwTar));
}

/** What an image made from a container says: its config as given (the builder's, unmerged, as
 * dockerd's CommitBuildStep takes it), container_config, and the history entry's fields. */
export interface CommitSpec {
  config: ContainerConfig;
  containerConfig: ContainerConfig;
  createdBy?: string;
  author?: string;
  comment?: string;
  /** Announce the image (`image create`): a commit does, a build step does not (dockerd's
   * classic builder announces only the final tag). Default true. */
  announce?: boolean;
}

/** A layer of changes (none when the tar is empty) committed with `spec` as a child image of
 * `parent` (none: FROM scratch, this host's platform). Shared by `docker commit` and the
 * builder's RUN (the container's changes through commitTar) and COPY (a layer's tar as it is). */
export async function commitLayerImage(images: ImageService, from: { container?: string; parent: string | undefined }, spec: CommitSpec, layerTar: () => Readable): Promise<string> {
  const parent = from.parent ? images.deps.content.readJson<ImageConfig>(from.parent) : scratchConfig();
  const parentLayers = from.parent ? images.table.layersOf(from.parent) : [];
  const empty = await isEmptyTar(layerTar());
  const layer = empty ? undefined : await images.importer.apply(parentLayers.at(-1), { open: layerTar });
  const created = new Date().toISOString();
  const history: HistoryEntry = {
    created,
    ...(spec.author && { author: spec.author }),
    ...(spec.createdBy && { created_by: spec.createdBy }),
    ...(spec.comment && { comment: spec.comment }),
    ...(empty && { empty_layer: true }),
  };
  const image: ImageConfig = {
    created,
    ...(from.container && { container: from.container }),
    container_config: spec.containerConfig,
    docker_version: ENGINE_VERSION,
    ...(spec.author && { author: spec.author }),
    config: spec.config,
    architecture: parent.architecture,
    ...(parent.variant && { variant: parent.variant }),
    os: parent.os,
    rootfs: { type: 'layers', diff_ids: [...parent.rootfs.diff_ids, ...(layer ? [layer.diffId] : [])] },
    history: [...(parent.history ?? []), history],
    ...(parent['os.version'] !== undefined && { 'os.version': parent['os.version'] }),
    ...(parent['os.features'] !== undefined && { 'os.features': parent['os.features'] }),
  };
  const id = images.commitImage(image, layer ? [...parentLayers, layer] : parentLayers, [], from.parent);
  if (spec.announce !== false) images.deps.events.emit('image', 'create', id, { name: id });
  return id;
}

/** The image FROM scratch stands for: no layers, this host's platform (Go's names). */
export function scratchConfig(): ImageConfig {
  const arch = ({ x64: 'amd64', ia32: '386', ppc64: 'ppc64le' } as Record<string, string>)[process.arch] ?? process.arch;
  return { architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
}

/** An empty change set tars to the end-of-archive blocks alone (a tar never starts with zeros). */
export async function isEmptyTar(tar: Readable): Promise<boolean> {
  try {
    for await (const chunk of tar as AsyncIterable<Buffer>) return chunk.every((b) => b === 0);
    return true;
  } finally {
    tar.destroy();
  }
}
