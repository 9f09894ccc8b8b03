// An in-memory BuildHost for the builder's unit tests: an image is a map of files and a config,
// RUN is what the test says it is (`onRun`), no container is made. It exists so dispatch, cache
// and scheduling can be tested on their own; the real host (src/daemon/build/build-host.ts, over
// the daemon) is tested by its own tests and, with this builder, end to end by the e2e tests
// (src/api/build-*.test.ts) with the docker CLI against a real berthd.
import { randomBytes } from 'node:crypto';
import { lchown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { HostConfig } from '../../api/types/engine-api.ts';
import { notFound } from '../../api/types/errors.ts';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../../image/types.ts';
import type { BaseImage, BuildHost, CacheSource, RunHooks, StepImage, StepMeta } from '../host.ts';

export interface FileNode {
  type: 'file' | 'dir' | 'symlink';
  content: string;
  mode: number;
  uid: number;
  gid: number;
}
export type Files = Map<string, FileNode>;

export interface MemImage {
  id: string;
  parent: string | undefined;
  config: ContainerConfig;
  files: Files;
  createdBy: string;
  history: HistoryEntry[];
  diffIds: string[];
  /** StepMeta's author: the image's `author`. */
  author?: string;
}

export interface RunCall {
  image: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  containerId: string;
}

export interface RunResult {
  exitCode?: number;
  output?: string;
  /** Files the command "writes". */
  files?: Record<string, string>;
}

const hex = () => randomBytes(32).toString('hex');
const file = (content: string, mode = 0o644): FileNode => ({ type: 'file', content, mode, uid: 0, gid: 0 });

export class MemoryHost implements BuildHost {
  readonly images = new Map<string, MemImage>();
  readonly refs = new Map<string, string>();
  readonly cache = new Map<string, string>();
  readonly runs: RunCall[] = [];
  readonly removed: string[] = [];
  readonly containers = new Map<string, { image: string; files: Files }>();
  readonly tags = new Map<string, string>();
  /** Every host call, in order ("run", "commitConfig"...): what the builder asked for. */
  readonly calls: string[] = [];
  /** What a RUN does; `output` writes to its output while it runs. */
  onRun: (call: RunCall, signal: AbortSignal, output: (chunk: Buffer) => void) => RunResult | Promise<RunResult> = () => ({});

  /** An image named `ref` with these files (directories implied). */
  addImage(ref: string, config: ContainerConfig, files: Record<string, string> = {}): string {
    const fs: Files = new Map();
    for (const [p, c] of Object.entries(files)) setFile(fs, p, file(c, p.startsWith('/bin/') ? 0o755 : 0o644));
    const id = this.#store(undefined, config, fs, 'ADD file:busybox in / ', true);
    this.refs.set(ref, id);
    return id;
  }

  /** Each layer's whole tree, by diff id: what a restored cache-from step gets. */
  readonly layers = new Map<string, Files>();

  #store(parent: string | undefined, config: ContainerConfig, files: Files, createdBy: string, layer: boolean, meta: StepMeta = {}): string {
    const id = `sha256:${hex()}`;
    const p = parent === undefined ? undefined : this.images.get(parent);
    const author = meta.author ? { author: meta.author } : {};
    const history = [...(p?.history ?? []), { created: new Date().toISOString(), ...author, created_by: createdBy, ...(!layer && { empty_layer: true }) }];
    const diffIds = [...(p?.diffIds ?? [])];
    if (layer) {
      diffIds.push(`sha256:${hex()}`);
      this.layers.set(diffIds.at(-1)!, files);
    }
    this.images.set(id, { id, parent, config: structuredClone(config), files, createdBy, history, diffIds, ...author });
    return id;
  }

  #files(image: string | undefined): Files {
    if (image === undefined) return new Map();
    const img = this.images.get(image);
    if (!img) throw notFound(`No such image: ${image}`);
    return new Map([...img.files].map(([p, n]) => [p, { ...n }]));
  }

  async baseImage(ref: string): Promise<BaseImage> {
    this.calls.push(`baseImage ${ref}`);
    const id = this.refs.get(ref);
    if (id === undefined) throw notFound(`pull access denied for ${ref}, repository does not exist`);
    return { id, config: this.imageConfig(id) };
  }

  imageConfig(id: string): ImageConfig {
    const img = this.images.get(id);
    if (!img) throw notFound(`No such image: ${id}`);
    return { architecture: 'amd64', os: 'linux', ...(img.author && { author: img.author }), config: structuredClone(img.config), rootfs: { type: 'layers', diff_ids: [...img.diffIds] }, history: structuredClone(img.history) };
  }

  async commitConfig(parent: string | undefined, config: ContainerConfig, createdBy: string, meta?: StepMeta): Promise<StepImage> {
    this.calls.push(`commitConfig ${createdBy}`);
    return { id: this.#store(parent, config, this.#files(parent), createdBy, false, meta) };
  }

  /** Whether runContainer calls the `created` hook (RunHooks). */
  announcesCreation = true;

  async runContainer(image: string, config: ContainerConfig, hostConfig: HostConfig, output: (chunk: Buffer) => void, signal: AbortSignal, hooks?: RunHooks): Promise<{ containerId: string; exitCode: number }> {
    signal.throwIfAborted();
    const containerId = hex();
    if (this.announcesCreation) hooks?.created?.(containerId);
    this.calls.push(`run ${config.Cmd?.join(' ')}`);
    const files = this.#files(image);
    this.containers.set(containerId, { image, files });
    const call = { image, config: structuredClone(config), hostConfig, containerId };
    this.runs.push(call);
    const r = await this.onRun(call, signal, output);
    if (r.output) output(Buffer.from(r.output));
    for (const [p, c] of Object.entries(r.files ?? {})) setFile(files, p, file(c));
    return { containerId, exitCode: signal.aborted ? 137 : r.exitCode ?? 0 };
  }

  async commitContainer(containerId: string, config: ContainerConfig, createdBy: string, meta?: StepMeta): Promise<StepImage> {
    this.calls.push(`commitContainer ${createdBy}`);
    const c = this.containers.get(containerId);
    if (!c) throw notFound(`No such container: ${containerId}`);
    return { id: this.#store(c.image, config, new Map(c.files), createdBy, true, meta) };
  }

  async removeContainer(containerId: string): Promise<void> {
    if (!this.containers.delete(containerId)) throw notFound(`No such container: ${containerId}`);
    this.removed.push(containerId);
  }

  async addFiles(parent: string | undefined, tar: () => Readable, config: ContainerConfig, createdBy: string, meta?: StepMeta): Promise<StepImage> {
    this.calls.push(`addFiles ${createdBy}`);
    const files = this.#files(parent);
    await readTar(tar(), files);
    return { id: this.#store(parent, config, files, createdBy, true, meta) };
  }

  /** The image's files written to a temporary directory for the duration of fn. */
  async withImageTree<T>(image: string | undefined, fn: (root: string) => Promise<T>): Promise<T> {
    this.calls.push(`withImageTree ${image ?? 'scratch'}`);
    const root = await mkdtemp(join(tmpdir(), 'berth-memhost-'));
    try {
      for (const [p, n] of [...this.#files(image)].sort(([a], [b]) => a.length - b.length)) {
        const host = join(root, p);
        if (n.type === 'dir') await mkdir(host, { recursive: true });
        else {
          await mkdir(dirname(host), { recursive: true });
          if (n.type === 'symlink') await symlink(n.content, host);
          else await writeFile(host, n.content, { mode: n.mode });
        }
        // Owners matter to COPY --from (kept); only root can set them, and only they need it.
        if (n.uid !== 0 || n.gid !== 0) await lchown(host, n.uid, n.gid);
      }
      return await fn(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  cacheGet(key: string): string | undefined {
    const id = this.cache.get(key);
    return id !== undefined && this.images.has(id) ? id : undefined;
  }

  cachePut(key: string, image: string): void {
    // Listed in calls: a hit must not record again (the daemon's record would restart its count).
    this.calls.push('cachePut');
    this.cache.set(key, image);
  }

  tag(image: string, refs: readonly string[]): void {
    for (const r of refs) this.tags.set(r, image);
  }

  localImage(ref: string): CacheSource | undefined {
    const id = this.refs.get(ref) ?? (this.images.has(ref) ? ref : undefined);
    return id === undefined ? undefined : { id, config: this.imageConfig(id) };
  }

  async restoreCachedImage(parent: string | undefined, source: string, index: number, config: ContainerConfig): Promise<StepImage> {
    this.calls.push(`restoreCachedImage ${index}`);
    const src = this.images.get(source)!;
    const p = parent === undefined ? undefined : this.images.get(parent);
    const entry = src.history[index]!;
    const diffIds = [...(p?.diffIds ?? [])];
    if (!entry.empty_layer) diffIds.push(src.diffIds[diffIds.length]!);
    const files = diffIds.length === 0 ? new Map() : new Map(this.layers.get(diffIds.at(-1)!));
    const id = `sha256:${hex()}`;
    this.images.set(id, { id, parent, config: structuredClone(config), files, createdBy: entry.created_by ?? '', history: [...(p?.history ?? []), entry], diffIds, ...(src.author && { author: src.author }) });
    return { id };
  }
}

function setFile(files: Files, path: string, node: FileNode): void {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const d = `/${parts.slice(0, i).join('/')}`;
    if (!files.has(d)) files.set(d, { type: 'dir', content: '', mode: 0o755, uid: 0, gid: 0 });
  }
  files.set(`/${parts.join('/')}`, node);
}

async function readTar(stream: Readable, files: Files): Promise<void> {
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => {
        const type = h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : 'file';
        const content = type === 'symlink' ? h.linkname ?? '' : Buffer.concat(chunks).toString();
        setFile(files, `/${h.name}`.replace(/\/+$/, ''), { type, content, mode: h.mode ?? 0o644, uid: h.uid ?? 0, gid: h.gid ?? 0 });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  stream.pipe(ex);
  await done;
}
