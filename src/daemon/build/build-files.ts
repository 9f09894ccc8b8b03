// A build's COPY/ADD step and its COPY --from: the image's files through the layer store's own
// operations, never a second copy of them.
//
// addFiles, and why it is safe:
// - the files land in a new writable layer over the parent's top layer (createRwLayer), mounted
//   with the store's mount (overlay2: an overlay; vfs: the layer's full copy) and unpacked there
//   by docker cp's unpack over an FsView rooted at the mount: links resolve inside it, the tar's
//   owners and modes are kept;
// - the mount is undone before the commit, whatever happened (try/finally); the layer's diff
//   (overlay2's upper directory, re-tarred) becomes a committed layer as a commit's does, and
//   the writable layer is removed after, whatever happened;
// - a daemon killed half way leaves an overlay mounted under the data root and a layer directory
//   no image and no container knows: at startup stale-mounts.ts unmounts the one (no container
//   keeps it) and ImageService.collectGarbage removes the other (not in its known set).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContainerConfig } from '../../image/types.ts';
import type { StepMeta } from '../../build/host.ts';
import type { ImageService } from '../images/image-service.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { unpack } from '../../image/copy/unpack.ts';
import { commitLayerImage } from '../containers/container-commit.ts';

/** container_config's Cmd for a history's created_by, as dockerd's builder writes both (its
 * created_by is that Cmd joined with spaces): ["/bin/sh", "-c", "#(nop) COPY ..."]. */
export function stepCmd(createdBy: string): string[] {
  const shell = /^\/bin\/sh -c (.*)$/s.exec(createdBy);
  return shell ? ['/bin/sh', '-c', shell[1]!] : [createdBy];
}

export async function addFiles(images: ImageService, parent: string | undefined, tar: () => Readable, config: ContainerConfig, createdBy: string, meta: StepMeta = {}): Promise<string> {
  const layers = images.deps.layers;
  const top = parent ? images.table.layersOf(parent).at(-1)?.cacheId : undefined;
  const rw = await layers.createRwLayer(top);
  try {
    // Over nothing (scratch) there is nothing to mount: the layer's own directory is the tree.
    const root = top ? await layers.mount(rw) : layers.layerPath(rw);
    try {
      const { warnings } = await unpack(new FsView(root), '/', tar());
      for (const w of warnings) images.deps.logger.info('build step: a file attribute was not kept', { warning: w });
    } finally {
      if (top) await layers.unmount(rw);
    }
    const spec = { config, containerConfig: { ...config, Cmd: stepCmd(createdBy) }, createdBy, ...meta, announce: false };
    return await commitLayerImage(images, { parent }, spec, () => layers.tarLayer(rw));
  } finally {
    await layers.removeLayer(rw);
  }
}

/** fn with the image's files as one read-only tree: its layers over each other (a read-only
 * overlay under viewsDir, which startup clears of leftover mounts), or an empty directory for
 * scratch and images without layers. */
export async function withImageTree<T>(images: ImageService, viewsDir: string, image: string | undefined, fn: (root: string) => Promise<T>): Promise<T> {
  const top = image ? images.table.layersOf(image).at(-1)?.cacheId : undefined;
  if (top) return images.deps.layers.withTree(top, join(viewsDir, 'build-'), fn);
  const empty = await mkdtemp(join(viewsDir, 'build-empty-'));
  try {
    return await fn(empty);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}
