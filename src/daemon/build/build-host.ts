// The daemon's side of a build (src/build/host.ts): the builder's steps over the same services
// `docker pull`, `docker run`, `docker commit` and `docker tag` use. One per build: it carries
// the build's registry credentials.
//
// - FROM: a local image, or one pulled (when missing, or always with `pull`) by the pull code;
//   scratch is no image and an empty config of this host's platform.
// - Config-only steps: an image on the parent's layers with an empty_layer history entry, the
//   parent recorded (`docker history` and image removal's parent chain see it).
// - RUN: build-run.ts; its commit: container-commit.ts with the builder's config as it is.
// - COPY/ADD and COPY --from: build-files.ts.
// - The cache: build-cache-service.ts; --cache-from's images and restores: build-cache-from.ts.
// - A stage's MAINTAINER (StepMeta.author): the author of the image and of its history entry.
import type { Readable } from 'node:stream';
import type { BaseImage, BuildHost, CacheSource, RunHooks, StepImage, StepMeta } from '../../build/host.ts';
import type { ContainerConfig, ImageConfig } from '../../image/types.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import type { ImageService } from '../images/image-service.ts';
import type { ContainerService } from '../containers/container-service.ts';
import type { Lifecycle } from '../containers/lifecycle.ts';
import type { PullRequest } from '../images/image-pull.ts';
import type { JsonMessage, ProgressSink } from '../../api/progress.ts';
import type { Logger } from '../../lib/logger.ts';
import type { BuildCacheService } from './build-cache-service.ts';
import { Readable as ReadableStream } from 'node:stream';
import { formatReference, parseReference } from '../../image/reference.ts';
import { isKind, notFound } from '../../api/types/errors.ts';
import { parsePlatform } from '../images/images-backend.ts';
import { commitLayerImage, scratchConfig } from '../containers/container-commit.ts';
import { commitTar } from '../containers/commit-tar.ts';
import { addFiles, stepCmd, withImageTree } from './build-files.ts';
import { runStep } from './build-run.ts';
import { noteStep } from './orphan-steps.ts';
import { randomBytes } from 'node:crypto';
import { localImage, restoreCachedImage } from './build-cache-from.ts';
import { namesAsked } from '../../authz/image-patterns.ts';

export interface BuildHostDeps {
  images: ImageService;
  containers: ContainerService;
  lifecycle: Lifecycle;
  cache: BuildCacheService;
  /** The daemon's pull (image-pull.ts with its config). */
  pull: (req: PullRequest, send: ProgressSink) => Promise<string>;
  /** Where read-only views of images are mounted: <exec-root>/rootfs-views, cleared at startup. */
  viewsDir: string;
  logger: Logger;
}

export interface BuildHostOptions {
  /** X-Registry-Auth (base64 JSON AuthConfig) for pulling ref's registry, from the build's
   * X-Registry-Config; undefined: anonymous. */
  authFor?: (ref: string) => string | undefined;
  /** Where each RUN container is noted while the build runs (orphan-steps.ts). */
  stepsDir?: string;
  /** An authorization policy's image patterns (authz guard.imageName): throws a 403 for a
   * base image the build may not use or pull. */
  allowImage?: (names: string | readonly string[], action: string) => void;
  /** The policy's word on a RUN container's HostConfig (authz guard.buildRun): throws a 403. */
  allowRun?: (hostConfig: HostConfig) => void;
}

/** A full image id: never a name to pull (a shorter hex string may be a repository name). */
const IMAGE_ID = /^(sha256:)?[0-9a-f]{64}$/;

export class DaemonBuildHost implements BuildHost {
  readonly #d: BuildHostDeps;
  readonly #o: BuildHostOptions;

  constructor(deps: BuildHostDeps, opts: BuildHostOptions = {}) {
    this.#d = deps;
    this.#o = opts;
  }

  async baseImage(ref: string, opts: { pull: boolean; platform?: string; progress: (line: string) => void; signal: AbortSignal }): Promise<BaseImage> {
    if (ref === 'scratch') return { id: undefined, config: scratchConfig() };
    if (!opts.pull || IMAGE_ID.test(ref)) {
      try {
        const id = this.#d.images.resolve(ref).id;
        this.#o.allowImage?.(namesAsked(ref, this.#d.images.table.refsOf(id).map((r) => r.ref)), 'build FROM');
        const config = this.imageConfig(id);
        // A local image of another platform is not the one asked for: pulled, as dockerd does.
        checkPlatform(ref, config, opts.platform);
        return { id, config };
      } catch (err) {
        if (!isKind(err, 'not-found') || IMAGE_ID.test(ref)) throw err;
      }
    }
    opts.signal.throwIfAborted();
    const parsed = parseReference(ref);
    const full = formatReference(parsed.tag || parsed.digest ? parsed : { ...parsed, tag: 'latest' });
    // Before anything is fetched: a registry the policy forbids is never asked.
    this.#o.allowImage?.(full, 'build FROM pull');
    const auth = this.#o.authFor?.(full);
    const id = await this.#d.pull({ fromImage: full, ...(opts.platform && { platform: opts.platform }), ...(auth && { auth }) }, (m) => {
      const line = progressLine(m);
      if (line) opts.progress(line);
    });
    return { id, config: this.imageConfig(id) };
  }

  imageConfig(id: string): ImageConfig {
    return this.#d.images.deps.content.readJson<ImageConfig>(id);
  }

  async commitConfig(parent: string | undefined, config: ContainerConfig, createdBy: string, meta: StepMeta = {}): Promise<StepImage> {
    const spec = { config, containerConfig: { ...config, Cmd: stepCmd(createdBy) }, createdBy, ...meta, announce: false };
    return { id: await commitLayerImage(this.#d.images, { parent }, spec, () => ReadableStream.from([])) };
  }

  runContainer(image: string, config: ContainerConfig, hostConfig: HostConfig, output: (chunk: Buffer) => void, signal: AbortSignal, hooks?: RunHooks): Promise<{ containerId: string; exitCode: number }> {
    try {
      this.#o.allowRun?.(hostConfig);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    // Named and noted before it exists: a kill right after its create still finds it at the
    // next start (noted by id after the create, one in ~35 killed builds left it: test-faults).
    const stepsDir = this.#o.stepsDir;
    const name = stepsDir === undefined ? undefined : `build-step-${randomBytes(6).toString('hex')}`;
    if (stepsDir !== undefined) noteStep(stepsDir, name!);
    return runStep(this.#d, image, config, hostConfig, output, signal, hooks, name);
  }

  async commitContainer(containerId: string, config: ContainerConfig, createdBy: string, meta: StepMeta = {}): Promise<StepImage> {
    const c = this.#d.containers.resolve(containerId);
    const layers = this.#d.images.deps.layers;
    // What the step ran, as container_config (dockerd's builder writes its cache probe's Cmd).
    const spec = { config, containerConfig: { ...(c.config as ContainerConfig), Cmd: stepCmd(createdBy) }, createdBy, ...meta, announce: false };
    return { id: await commitLayerImage(this.#d.images, { container: c.id, parent: c.imageId }, spec, await commitTar(() => layers.tarLayer(c.rwCacheId))) };
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.#d.containers.resolve(containerId);
    await this.#d.lifecycle.removeContainer(c, { force: true, removeVolumes: true });
  }

  async addFiles(parent: string | undefined, tar: () => Readable, config: ContainerConfig, createdBy: string, meta: StepMeta = {}): Promise<StepImage> {
    return { id: await addFiles(this.#d.images, parent, tar, config, createdBy, meta) };
  }

  withImageTree<T>(image: string | undefined, fn: (root: string) => Promise<T>): Promise<T> {
    return withImageTree(this.#d.images, this.#d.viewsDir, image, fn);
  }

  cacheGet(key: string): string | undefined {
    return this.#d.cache.get(key);
  }

  cachePut(key: string, image: string, description: string): void {
    this.#d.cache.put(key, image, description);
  }

  tag(image: string, refs: readonly string[]): void {
    for (const ref of refs) this.#d.images.tag(image, ref, undefined);
  }

  localImage(ref: string): CacheSource | undefined {
    return localImage(this.#d.images, ref);
  }

  async restoreCachedImage(parent: string | undefined, source: string, index: number, config: ContainerConfig): Promise<StepImage> {
    return { id: restoreCachedImage(this.#d.images, parent, source, index, config) };
  }
}

function checkPlatform(ref: string, config: ImageConfig, platform: string | undefined): void {
  if (!platform) return;
  const want = parsePlatform(platform);
  const same = want.os === config.os && want.architecture === config.architecture && (!want.variant || !config.variant || want.variant === config.variant);
  if (same) return;
  const name = (p: { os: string; architecture: string; variant?: string | undefined }) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  throw notFound(`image with reference ${ref} was found but does not match the specified platform: wanted ${name(want)}, actual: ${name(config)}`);
}

/** A pull's message as the line docker's CLI prints for it; byte counts are left out. */
function progressLine(m: JsonMessage): string | undefined {
  if (!m.status || m.progressDetail) return undefined;
  return m.id ? `${m.id}: ${m.status}` : m.status;
}
