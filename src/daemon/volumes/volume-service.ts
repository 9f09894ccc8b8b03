// Volumes: create, inspect, list, remove, prune, disk usage.
// Texts are dockerd's ("<op> <name>: <reason>"), so clients that match them keep working.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import type { VolumesTable, VolumeRow } from '../../store/volumes.ts';
import type { ContainersTable } from '../../store/containers.ts';
import { VolumeUsers } from './volume-users.ts';
import type { EventsService } from '../events/events-service.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { BerthError, conflict, invalidParameter, notFound } from '../../api/types/errors.ts';
import type { Filters } from '../../api/query.ts';
import { versionLessThan } from '../../api/types/version.ts';
import { matchLabels } from '../../api/query.ts';
import { LOCAL_DRIVER, type LocalDriver, validateLocalOptions, validateVolumeName } from '../../volume/local-driver.ts';
import { boolFilter, volumePredicate, volumeView, type VolumeView } from './volume-views.ts';

/** The label dockerd (API 1.42+) puts on volumes made for a container; prune keys on it. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export interface VolumeServiceDeps {
  table: VolumesTable;
  containers: ContainersTable;
  driver: LocalDriver;
  events: EventsService;
  logger: Logger;
}

export interface CreateVolume {
  Name?: unknown;
  Driver?: unknown;
  DriverOpts?: unknown;
  Labels?: unknown;
}

export class VolumeService {
  readonly deps: VolumeServiceDeps;
  /** Which running containers use each option volume (mounted while any does). */
  readonly users: VolumeUsers;
  readonly #pinned = new Map<string, number>();

  constructor(deps: VolumeServiceDeps) {
    this.deps = deps;
    this.users = new VolumeUsers({ ...deps, volume: (name) => this.get(name) });
  }

  /** POST /volumes/create, and the volumes a container create names. A volume of that name
   * with the same driver is returned as it is (its labels and options unchanged), as dockerd. */
  create(req: CreateVolume, opts: { anonymous?: boolean } = {}): VolumeRow {
    const { name, driver, labels, options } = this.#validate(req);
    const existing = this.deps.table.get(name);
    if (existing) return existing;
    const anonymous = opts.anonymous === true;
    const row: VolumeRow = {
      name, driver, createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), options: options && Object.keys(options).length ? options : null,
      labels: anonymous ? { ...labels, [ANONYMOUS_LABEL]: '' } : labels, anonymous,
    };
    this.deps.driver.create(name);
    const { row: stored, created } = this.deps.table.insertOrGet(row);
    if (created) this.deps.events.emit('volume', 'create', name, { driver });
    return stored;
  }

  /** What create would refuse, without making anything (a container create checks all its
   * mounts before it makes the first volume). */
  check(req: CreateVolume): void {
    this.#validate(req);
  }

  #validate(req: CreateVolume): { name: string; driver: string; labels: Record<string, string> | null; options: Record<string, string> | null } {
    const name = typeof req.Name === 'string' && req.Name !== '' ? req.Name : randomBytes(32).toString('hex');
    const op = (e: BerthError) => new BerthError(e.kind, `create ${name}: ${e.message}`);
    const driver = typeof req.Driver === 'string' && req.Driver !== '' ? req.Driver : LOCAL_DRIVER;
    if (driver !== LOCAL_DRIVER) throw op(notFound(`error looking up volume plugin ${driver}: plugin "${driver}" not found`));
    const labels = stringMap(req.Labels, 'Labels');
    const options = stringMap(req.DriverOpts, 'DriverOpts');
    try {
      validateVolumeName(name);
      validateLocalOptions(options);
    } catch (err) {
      throw err instanceof BerthError ? op(err) : err;
    }
    return { name, driver, labels, options };
  }

  get(name: string): VolumeRow {
    const v = this.deps.table.get(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  view(v: VolumeRow): VolumeView {
    return volumeView(v, this.deps.driver.path(v.name));
  }

  list(filters: Filters): { Volumes: VolumeView[]; Warnings: null } {
    const keep = volumePredicate(filters, (name) => this.usedBy(name).length);
    return { Volumes: this.deps.table.all().filter(keep).map((v) => this.view(v)), Warnings: null };
  }

  /** Containers (ids) whose mounts name the volume, running or not: it is in use. */
  usedBy(name: string): string[] {
    return this.deps.containers.usingVolume(name);
  }

  /** DELETE /volumes/{name}: refused while a container uses it (or a create that names it is
   * under way); `force` ignores a missing one. The check, the row's removal and the directory's
   * detach happen in one tick: no create can come between them. */
  async remove(name: string, force: boolean): Promise<void> {
    const v = this.deps.table.get(name);
    if (!v) {
      if (force) return;
      throw notFound(`get ${name}: no such volume`);
    }
    const refs = this.usedBy(name);
    if (refs.length) throw conflict(`remove ${name}: volume is in use - [${refs.join(', ')}]`);
    if (this.#pinned.has(name)) throw conflict(`remove ${name}: volume is in use`);
    const trash = this.deps.driver.detach(name);
    this.deps.table.delete(name);
    this.users.forget(name);
    this.deps.events.emit('volume', 'destroy', name, { driver: v.driver });
    // The volume is gone either way; what could not be deleted is purged at the next start.
    await this.deps.driver.purge(trash).catch(logFailure(this.deps.logger, 'purge of a removed volume\'s directory', { fields: { path: trash }, level: 'warn' }));
  }

  /** Names a container create resolved and has not stored yet: removal refuses them meanwhile.
   * Returns the release. */
  pin(names: readonly string[]): () => void {
    for (const n of names) this.#pinned.set(n, (this.#pinned.get(n) ?? 0) + 1);
    return () => {
      for (const n of names) {
        const left = (this.#pinned.get(n) ?? 1) - 1;
        if (left > 0) this.#pinned.set(n, left);
        else this.#pinned.delete(n);
      }
    };
  }

  /** Directories of removals a killed daemon did not finish, and copy-ups it cut short. */
  async purgeLeftovers(): Promise<void> {
    for (const name of this.deps.driver.emptyCutCopies()) this.deps.logger?.warn('a copy-up cut short by the last daemon\'s end: the volume is emptied, its container\'s next start copies again', { volume: name });
    for (const trash of this.deps.driver.leftovers()) {
      await this.deps.driver.purge(trash).catch(logFailure(this.deps.logger, 'purge of a removed volume\'s directory', { fields: { path: trash }, level: 'warn' }));
    }
  }

  /** POST /volumes/prune: unused volumes; since API 1.42 only anonymous ones unless `all`. */
  async prune(filters: Filters, version: string): Promise<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }> {
    const all = versionLessThan(version, '1.42') || boolFilter(filters, 'all') === true;
    const labels = filters.get('label') ?? [];
    const notLabels = filters.get('label!') ?? [];
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of this.deps.table.all()) {
      if (!all && !v.anonymous) continue;
      if (!matchLabels(v.labels ?? {}, labels) || notLabels.some((l) => matchLabels(v.labels ?? {}, [l]))) continue;
      if (this.usedBy(v.name).length || this.#pinned.has(v.name)) continue;
      const size = Math.max(0, await this.deps.driver.size(v.name));
      // Asked again: a container may have taken the volume while its size was walked.
      if (this.usedBy(v.name).length || this.#pinned.has(v.name)) continue;
      try {
        await this.remove(v.name, false);
      } catch (err) {
        logFailure(this.deps.logger, 'prune: volume removal', { fields: { volume: v.name }, level: 'warn' })(err);
        continue;
      }
      deleted.push(v.name);
      reclaimed += size;
    }
    this.deps.events.emit('volume', 'prune', '', { reclaimed: String(reclaimed) });
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** /system/df: every volume with its Size and RefCount. */
  async usage(): Promise<VolumeView[]> {
    return Promise.all(this.deps.table.all().map(async (v) => ({ ...this.view(v), UsageData: { RefCount: this.usedBy(v.name).length, Size: await this.deps.driver.size(v.name) } })));
  }
}

function stringMap(value: unknown, field: string): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalidParameter(`json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go struct field CreateOptions.${field} of type map[string]string`);
  }
  return value as Record<string, string>;
}
