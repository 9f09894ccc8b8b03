// The container-files router's backend: diff, export, docker cp and commit over a container's
// filesystem, reached through RootfsAccess (mounted for the operation when the container is
// not running). Events as dockerd logs them: export, archive-path (GET only; a stat logs
// nothing), extract-to-dir, commit.
import type { Readable } from 'node:stream';
import type { ContainerFilesBackend } from '../../api/routers/container-files.ts';
import type { ContainerRow } from '../../store/containers.ts';
import type { ContainerService } from './container-service.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { RootfsAccess } from './rootfs-access.ts';
import { conflict, invalidParameter } from '../../api/types/errors.ts';
import { rwChanges, withoutRuntimeMountpoints } from './rw-changes.ts';
import { alreadyEnded, logFailure } from '../../lib/log-failure.ts';
import { checkConfigTypes } from './container-config.ts';

// The tar readers and writers (image/copy, tar-stream) are loaded at the first copy, export or
// commit: an idle daemon never needs them (issue 12).
const archives = () => import('./container-archive.ts');
const trees = () => Promise.all([import('../../image/copy/fs-view.ts'), import('../../image/copy/tree-tar.ts')]);

export interface ContainerFilesDeps {
  svc: ContainerService;
  rootfs: RootfsAccess;
  /** Pause and unpause as the API does them: under the container's lock, state and events. */
  lifecycle: Pick<Lifecycle, 'pause' | 'unpause'>;
}

export function containerFilesBackend(d: ContainerFilesDeps): ContainerFilesBackend {
  const { svc, rootfs } = d;
  const layers = svc.deps.images.deps.layers;
  // The container as it is now (renamed meanwhile?), or as it was if it is gone already.
  const latest = (c: ContainerRow) => svc.deps.table.get(c.id) ?? c;
  const usable = (idOrName: string, verb: string): ContainerRow => {
    if (idOrName === '') throw invalidParameter('invalid name or ID supplied: ""');
    const c = svc.resolve(idOrName);
    if (c.status === 'dead') throw conflict(`You cannot ${verb} container ${c.id} which is Dead`);
    if (c.status === 'removing') throw conflict(`You cannot ${verb} container ${c.id} which is being removed`);
    return c;
  };
  return {
    async changes(id) {
      const c = svc.resolve(id);
      return withoutRuntimeMountpoints(await rootfs.withImageRoot(c, (image) => rwChanges(layers.rwTree(c.rwCacheId), image)));
    },
    async export(id) {
      const c = usable(id, 'export');
      const [{ FsView }, { tarTree }] = await trees();
      const root = await rootfs.acquire(c);
      const tar = tarTree({ view: new FsView(root), sourceDir: '/', include: '.', rebase: '', skipRoot: true });
      return whenDone(tar, () => void rootfs.release(c), () => svc.emit(latest(c), 'export'));
    },
    async statPath(id, path) {
      const c = svc.resolve(id);
      const { statPath, containerView } = await archives();
      return rootfs.with(c, (root) => statPath(containerView(c, root), path, id));
    },
    async archive(id, path) {
      const c = svc.resolve(id);
      const { archivePath, containerView } = await archives();
      const root = await rootfs.acquire(c);
      try {
        const { stat, tar } = await archivePath(containerView(c, root), path, id);
        svc.emit(c, 'archive-path');
        return { stat, tar: whenDone(tar, () => void rootfs.release(c)) };
      } catch (err) {
        await rootfs.release(c);
        throw err;
      }
    },
    async extract(id, path, tar, opts) {
      const c = svc.resolve(id);
      const hc = c.hostConfig as { ReadonlyRootfs?: boolean };
      const { extractToDir, containerView } = await archives();
      await rootfs.with(c, (root) => extractToDir(containerView(c, root), path, tar, id, {
        ...opts, readonlyRootfs: hc.ReadonlyRootfs === true, user: (c.config.User as string | undefined) ?? '',
      }));
      svc.emit(latest(c), 'extract-to-dir');
    },
    async commit(req) {
      const c = usable(req.container, 'commit');
      const { commitContainer, commitTag } = await import('./container-commit.ts');
      if (req.config) checkConfigTypes(req.config); // what goes into the image must read back
      const tag = commitTag(req.repo, req.tag);
      const images = svc.deps.images;
      // Paused as `docker pause` does it: inspect says paused meanwhile, pause/unpause events.
      const paused = req.pause && c.status === 'running' && (await d.lifecycle.pause(c.id).then(() => true, () => false));
      let id: string;
      try {
        // The writable layer itself is read (overlay2's upper dir, vfs's tree): no mount needed.
        id = await commitContainer(images, c, req, () => layers.tarLayer(c.rwCacheId));
        if (tag) images.tag(id, tag.repo, tag.tag);
        svc.emit(c, 'commit', { comment: req.comment, imageID: id, imageRef: tag?.familiar ?? '' });
      } finally {
        // As dockerd's deferred unpause: after the commit is announced.
        if (paused) await d.lifecycle.unpause(c.id).catch(logFailure(svc.deps.logger, 'unpause after a commit', { fields: { container: c.id }, expected: alreadyEnded }));
      }
      return { Id: id };
    },
  };
}

/** Call `release` once the stream is over however it ends, `done` only when it was read to the end. */
function whenDone(tar: Readable, release: () => void, done?: () => void): Readable {
  let released = false;
  const once = () => {
    if (!released) (released = true), release();
  };
  tar.once('end', () => done?.());
  tar.once('close', once);
  tar.once('error', once);
  return tar;
}
