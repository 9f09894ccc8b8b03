// What the builder needs from the daemon, and nothing more: the builder lives in src/build/ and
// reaches images and containers only through this interface (the daemon implements it in
// src/daemon/build/build-host.ts over the image service, the container service, the lifecycle
// and the layer store — the same paths `docker run`, `docker cp` and `docker commit` take).
import type { Readable } from 'node:stream';
import type { ContainerConfig, ImageConfig } from '../image/types.ts';
import type { HostConfig } from '../api/types/engine-api.ts';

export interface BaseImage {
  /** Image id ("sha256:..."); undefined for `FROM scratch`. */
  id: string | undefined;
  config: ImageConfig;
}

export interface StepImage {
  /** The new image's id. */
  id: string;
}

/** What a step's image says beyond its config and history text. */
export interface StepMeta {
  /** The stage's MAINTAINER (dockerd's classic builder gives it to every image the stage makes
   * from that step on): the image's `author` and its new history entry's. */
  author?: string;
}

/** What the builder may learn while a RUN is under way. */
export interface RunHooks {
  /** The container's id as soon as it exists (" ---> Running in <id>" comes before the
   * output); the builder then owns the container, also when its start fails. */
  created?(id: string): void;
}

/** An image that --cache-from names (found locally, never pulled). */
export interface CacheSource {
  id: string;
  config: ImageConfig;
}

export interface BuildHost {
  /** The image a FROM (or COPY --from=<image>) names: local, or pulled when missing or when
   * `pull` is set (each progress line of the pull goes to `progress`). */
  baseImage(ref: string, opts: { pull: boolean; platform?: string; progress: (line: string) => void; signal: AbortSignal }): Promise<BaseImage>;
  imageConfig(id: string): ImageConfig;

  /** A config-only step: an image with the parent's layers (none for scratch), `config`, and an
   * `empty_layer` history entry saying `createdBy`. */
  commitConfig(parent: string | undefined, config: ContainerConfig, createdBy: string, meta?: StepMeta): Promise<StepImage>;

  /** RUN: create a container of `image` with `config` (Cmd = the command to run) and
   * `hostConfig` (network, extra hosts, shm size, limits), start it, stream its output until it
   * exits. The container stays until removeContainer. Ids are full 64-hex. */
  runContainer(image: string, config: ContainerConfig, hostConfig: HostConfig, output: (chunk: Buffer) => void, signal: AbortSignal, hooks?: RunHooks): Promise<{ containerId: string; exitCode: number }>;
  /** The container's changes as a layer on its image, with `config` and a history entry. */
  commitContainer(containerId: string, config: ContainerConfig, createdBy: string, meta?: StepMeta): Promise<StepImage>;
  removeContainer(containerId: string): Promise<void>;

  /** COPY/ADD: `tar` (made by context/copy-tar.ts, entries named from "/") unpacked into a new
   * layer over `parent` (none for scratch), committed with `config` and history `createdBy`. */
  addFiles(parent: string | undefined, tar: () => Readable, config: ContainerConfig, createdBy: string, meta?: StepMeta): Promise<StepImage>;

  /** Run `fn` with the image's files as one read-only tree on the host (COPY --from, --chown
   * names resolved through its /etc/passwd and /etc/group). */
  withImageTree<T>(image: string | undefined, fn: (root: string) => Promise<T>): Promise<T>;

  /** The build cache: a step's key → the image it made (undefined when that image is gone). */
  cacheGet(key: string): string | undefined;
  cachePut(key: string, image: string, description: string): void;

  /** --cache-from: a local image by reference or id, never pulled (dockerd skips what it does
   * not have); undefined when there is none. */
  localImage(ref: string): CacheSource | undefined;
  /** --cache-from's restore (dockerd's restoreCachedImage): an image of `parent`'s layers and
   * history (none for scratch) plus `source`'s history entry `index` and, unless that entry is
   * an empty_layer, the source's layer for it, with `config`. The caller has checked that
   * `source`'s history and layers continue `parent`'s. */
  restoreCachedImage(parent: string | undefined, source: string, index: number, config: ContainerConfig): Promise<StepImage>;

  tag(image: string, refs: readonly string[]): void;
}
