// Containers as records: create (config merged with the image's, a writable layer on the
// image's top layer), find, rename, remove. Running them is lifecycle.ts's part.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { type ContainersTable, type ContainerRow, type StoredMount, isActive } from '../../store/containers.ts';
import type { CreateMounts } from './container-mounts.ts';
import type { ImageService } from '../images/image-service.ts';
import type { EventsService } from '../events/events-service.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ImageConfig } from '../../image/types.ts';
import type { ContainerConfig, ContainerCreateRequest, HostConfig } from '../../api/types/engine-api.ts';
import { conflict, invalidParameter, isKind, notFound } from '../../api/types/errors.ts';
import { checkNamespaceModes } from './namespace-joins.ts';
import { checkConfigTypes, commandOf, mergeConfig } from './container-config.ts';
import { generateName, isValidName } from './names.ts';
import { validateRestartPolicy } from './restart-policy.ts';
import { resolveLogConfig, type DaemonLogDefaults } from './log-config.ts';
import { checkCreateBody } from './host-config-check.ts';
import { networkModeWarnings } from '../networks/network-mode-check.ts';
import { checkCreateNetworking } from '../networks/create-checks.ts';
import { logFailure } from '../../lib/log-failure.ts';
import type { RequestGuard } from '../../authz/guard.ts';

export interface ContainerServiceDeps {
  table: ContainersTable;
  images: ImageService;
  events: EventsService;
  logger: Logger;
  logDir: (id: string) => string;
  /** The daemon's log-driver and log-opts, for containers that name no driver. */
  logDefaults: () => DaemonLogDefaults;
  /** HostConfig.Runtime as stored: the default runtime's name when none is asked for; throws
   * a 400 for a runtime that is not configured or cannot run here. */
  runtimeName: (requested: unknown) => string;
  /** The container's mounts resolved (volumes made) at create: container-mounts.ts. */
  mounts?: (config: ContainerConfig, hostConfig: HostConfig) => CreateMounts;
  /** A volume's driver options (what the authorization guard asks of volume mounts). */
  volumeOptions?: (name: string) => Record<string, string> | null;
  /** Records the approved real path of a volume's o=bind device (authz/container-limits.ts). */
  approveVolumeDevice?: (name: string, path: string) => void;
  /** The container's networks: checked before anything is made, recorded with its row. */
  networks?: {
    plan(hostConfig: HostConfig, body: Record<string, unknown>): unknown;
    record(row: ContainerRow, plan: unknown): void;
  };
}

export class ContainerService {
  readonly deps: ContainerServiceDeps;
  constructor(deps: ContainerServiceDeps) {
    this.deps = deps;
  }

  /** A full id, a unique id prefix, or a name (with or without the leading slash). */
  resolve(idOrName: string): ContainerRow {
    const t = this.deps.table;
    const hit = t.get(idOrName) ?? t.byName(idOrName.startsWith('/') ? idOrName : `/${idOrName}`);
    if (hit) return hit;
    if (/^[a-f0-9]+$/.test(idOrName)) {
      const matches = t.byIdPrefix(idOrName);
      if (matches.length > 1) throw invalidParameter(`multiple IDs found with provided prefix: ${idOrName}`);
      if (matches[0]) return matches[0];
    }
    throw notFound(`No such container: ${idOrName}`);
  }

  /** `guard`: the request's authorization (a policy is active), asked once the container is
   * what berthd will run — merged, defaulted, its mounts resolved — and before it is stored. */
  async create(body: Record<string, unknown>, name: string | undefined, guard?: RequestGuard): Promise<{ Id: string; Warnings: string[] }> {
    const warnings = [...checkCreateBody(body), ...networkModeWarnings((body as { HostConfig?: unknown }).HostConfig)];
    checkConfigTypes(body);
    checkCreateNetworking(body, (body as ContainerCreateRequest).HostConfig as Record<string, unknown> | undefined);
    // Its types checked (HostConfig by checkCreateBody, the rest by checkConfigTypes).
    const req = body as ContainerCreateRequest;
    const workdir = req.WorkingDir;
    if (typeof workdir === 'string' && workdir !== '' && !workdir.startsWith('/')) {
      throw invalidParameter(`the working directory '${workdir}' is invalid, it needs to be an absolute path`);
    }
    validateRestartPolicy(req.HostConfig ?? {});
    // Before the image and the command, as dockerd checks it.
    const runtime = this.deps.runtimeName(req.HostConfig?.Runtime);
    const imageName = req.Image;
    if (typeof imageName !== 'string' || imageName === '') throw invalidParameter('Config cannot be empty in order to create a container');
    const fullName = this.#claimName(name);
    try {
      return { ...(await this.#create(body, imageName, fullName, runtime, guard)), Warnings: warnings };
    } finally {
      this.#claimed.delete(fullName);
    }
  }

  /** Names handed out to creates that have not inserted their row yet: two creates at once must
   * not both get the same generated name (or both pass the check for a given one). */
  readonly #claimed = new Set<string>();

  async #create(body: Record<string, unknown>, imageName: string, fullName: string, runtime: string, guard?: RequestGuard): Promise<{ Id: string; Warnings: string[] }> {
    const image = this.deps.images.resolve(imageName);
    const imageConfig = this.deps.images.deps.content.readJson<ImageConfig>(image.id);
    const config = mergeConfig(body, imageConfig);
    commandOf(config);
    const hostConfig: HostConfig = { NetworkMode: 'default', ...(body as ContainerCreateRequest).HostConfig };
    hostConfig.LogConfig = resolveLogConfig(hostConfig.LogConfig, this.deps.logDefaults());
    hostConfig.Runtime = runtime;
    // Past the image, nothing missing may answer 404: the docker CLI reads any 404 of a create
    // as "no such image" and pulls the image it has. A network or container the request names
    // (--network, --volumes-from, --pid/--ipc container:) that is not there is the request's mistake: 400, as dockerd's.
    notFoundAsInvalid(() => checkNamespaceModes(hostConfig, (x) => this.resolve(x)));
    const networks = notFoundAsInvalid(() => this.deps.networks?.plan(hostConfig, body));
    const resolved = notFoundAsInvalid(() => this.deps.mounts?.(config, hostConfig));
    let stored = false;
    let refused = true; // until the guard returns
    try {
      // A refusal lands in the finally below, which removes the volumes the mounts made.
      guard?.container({ image: imageName, imageNames: this.deps.images.table.refsOf(image.id).map((r) => r.ref), config, hostConfig, mounts: resolved?.mounts ?? [], ...(this.deps.volumeOptions && { volumeOptions: this.deps.volumeOptions }), ...(this.deps.approveVolumeDevice && { approveVolumeDevice: this.deps.approveVolumeDevice }) });
      refused = false;
      const created = await this.#insert(image.id, imageName, fullName, config, hostConfig, resolved?.mounts ?? [], networks);
      stored = true;
      return created;
    } finally {
      await resolved?.settle(stored, refused).catch(logFailure(this.deps.logger, 'removal of a failed create\'s volumes', { level: 'warn' }));
    }
  }

  async #insert(
    imageId: string, imageName: string, fullName: string,
    config: ContainerConfig, hostConfig: HostConfig, mounts: StoredMount[], networks: unknown,
  ): Promise<{ Id: string; Warnings: string[] }> {
    const id = randomBytes(32).toString('hex');
    const top = this.deps.images.table.layersOf(imageId).at(-1);
    const rwCacheId = await this.deps.images.deps.layers.createRwLayer(top?.cacheId);
    const row: ContainerRow = {
      id, name: fullName, imageId, image: imageName, created: new Date().toISOString(), config, hostConfig,
      status: 'created', pid: 0, conmonPid: 0, exitCode: 0, startedAt: '0001-01-01T00:00:00Z', finishedAt: '0001-01-01T00:00:00Z',
      error: '', oomKilled: false, restartCount: 0, manuallyStopped: false, rwCacheId, logPath: `${this.deps.logDir(id)}/${id}-json.log`, mounts,
    };
    try {
      // A network removed since the plan: the request's mistake (400), as at the plan.
      this.deps.table.insert(row, () => notFoundAsInvalid(() => this.deps.networks?.record(row, networks)));
    } catch (err) {
      await this.deps.images.deps.layers.removeLayer(rwCacheId);
      if (/UNIQUE constraint failed: containers.name/.test((err as Error).message)) throw this.#nameConflict(fullName);
      throw err;
    }
    this.emit(row, 'create');
    return { Id: id, Warnings: [] };
  }

  #claimName(name: string | undefined): string {
    const taken = (n: string) => this.#claimed.has(n) || this.deps.table.byName(n) !== undefined;
    let full: string;
    if (name === undefined || name === '') full = `/${generateName(taken)}`;
    else {
      if (!isValidName(name)) throw invalidParameter(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      full = name.startsWith('/') ? name : `/${name}`;
      if (taken(full)) throw this.#nameConflict(full);
    }
    this.#claimed.add(full);
    return full;
  }

  #nameConflict(full: string): Error {
    const holder = this.deps.table.byName(full);
    return conflict(`Conflict. The container name "${full}" is already in use by container "${holder?.id ?? ''}". You have to remove (or rename) that container to be able to reuse that name.`);
  }

  rename(idOrName: string, newName: string): void {
    const c = this.resolve(idOrName);
    if (!isValidName(newName)) throw invalidParameter(`Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const full = newName.startsWith('/') ? newName : `/${newName}`;
    if (full === c.name) throw invalidParameter('Renaming a container with the same name as its current name');
    if (this.deps.table.byName(full)) throw this.#nameConflict(full);
    this.deps.table.rename(c.id, full);
    this.emit({ ...c, name: full }, 'rename', { oldName: c.name });
  }

  /** Remove a container that is not running (the runtime layer stops it first when forced). */
  async remove(c: ContainerRow): Promise<void> {
    this.assertRemovable(c);
    this.deps.table.update(c.id, { status: 'removing' });
    await this.deps.images.deps.layers.removeLayer(c.rwCacheId); // unmounts it first, in order
    this.deps.table.delete(c.id);
    this.emit(c, 'destroy');
  }

  assertRemovable(c: ContainerRow): void {
    if (isActive(c.status)) {
      throw conflict(`cannot remove container "${c.name}": container is ${c.status}: stop the container before removing or force remove`);
    }
  }

  emit(c: ContainerRow, action: string, extra: Record<string, string> = {}): void {
    const labels = c.config.Labels ?? {};
    this.deps.events.emit('container', action, c.id, { ...labels, image: c.image, name: c.name.slice(1), ...extra });
  }

  rwCacheIds(): Set<string> {
    return new Set(this.deps.table.all().map((c) => c.rwCacheId));
  }
}

function notFoundAsInvalid<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw isKind(err, 'not-found') ? invalidParameter((err as Error).message) : err;
  }
}
