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

export interface BuildHost {
  /** The image a FROM (or COPY --from=<image>) names: local, or pulled when missing or when
   * `pull` is set (each progress line of the pull goes to `progress`). */
  baseImage(ref: string, opts: { pull: boolean; platform?: string; progress: (line: string) => void; signal: AbortSignal }): Promise<BaseImage>;
  imageConfig(id: string): ImageConfig;

  /** A config-only step: an image with the parent's layers (none for scratch), `config`, and an
   * `empty_layer` history entry saying `createdBy`. */
  commitConfig(parent: string | undefined, config: ContainerConfig, createdBy: string): Promise<StepImage>;

  /** RUN: create a container of `image` with `config` (Cmd = the command to run) and
   * `hostConfig` (network, extra hosts, shm size, limits), start it, stream its output until it
   * exits. The container stays until removeContainer. Ids are full 64-hex. */
  runContainer(image: string, config: ContainerConfig, hostConfig: HostConfig, output: (chunk: Buffer) => void, signal: AbortSignal): Promise<{ containerId: string; exitCode: number }>;
  /** The container's changes as a layer on its image, with `config` and a history entry. */
  commitContainer(containerId: string, config: ContainerConfig, createdBy: string): Promise<StepImage>;
  removeContainer(containerId: string): Promise<void>;

  /** COPY/ADD: `tar` (made by context/copy-tar.ts, entries named from "/") unpacked into a new
   * layer over `parent` (none for scratch), committed with `config` and history `createdBy`. */
  addFiles(parent: string | undefined, tar: () => Readable, config: ContainerConfig, createdBy: string): Promise<StepImage>;

  /** Run `fn` with the image's files as one read-only tree on the host (COPY --from, --chown
   * names resolved through its /etc/passwd and /etc/group). */
  withImageTree<T>(image: string | undefined, fn: (root: string) => Promise<T>): Promise<T>;

  /** The build cache: a step's key → the image it made (undefined when that image is gone). */
  cacheGet(key: string): string | undefined;
  cachePut(key: string, image: string, description: string): void;

  tag(image: string, refs: readonly string[]): void;
}
