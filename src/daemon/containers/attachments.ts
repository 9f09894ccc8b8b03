// What a container's run is attached to besides its rootfs: network endpoints, volume mounts,
// /etc/hosts. Each kind is a RunAttachment; ContainerAttachments runs the list for the
// lifecycle, which calls it in exactly one place per event:
// - setUp: RuntimeContainers.create (a start, or a prepared start right after the API create),
//   in parallel with the rootfs mount; its SpecAdditions go into the spec (and the prepared
//   start's key, so a prepared start keeps the additions it was made with).
// - tearDown: exit recording, a created or prepared container ended, a failed start, removal,
//   and at restore for every container that is not running.
// - adopt: at restore, for a container whose process still runs.
// - removed: after the container's row is deleted.
// - runStarted / runEnded: the run really began (after `runc start`) and its exit was recorded —
//   not setUp/tearDown, which a prepared start runs at create and a dropped one undoes. For what
//   a run announces (network connect/disconnect events, as dockerd's).
//
// Invariants:
// - setUp runs the attachments in list order, tearDown in reverse (a later one may depend on an
//   earlier one: /etc/hosts names the address the network gave).
// - tearDown never rejects: a failure is logged (warn) and remembered, and retried before the
//   container's next setUp (a setUp over leftovers replaces them, so one that fails again does
//   not stop the start). A daemon that went away forgets nothing: restore tears down every
//   stopped container, and each tearDown is idempotent and cheap when there is nothing to do.
// - A failed setUp rejects; what it made is the caller's to tear down (its failed start).
// - adopt and removed are logged when they fail and never reject: the container runs on (adopt)
//   or is gone (removed) either way.
// - Calls come from holders of the container's lock (a start, a prepared start, exit recording,
//   removal) or from restore, before the API is served: an attachment must not call back into
//   the lifecycle's locked operations (invalidatePrepared, start, stop...) for that container.
import type { ContainerRow } from '../../store/containers.ts';
import type { OciMount } from '../../runtime/spec/index.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';

export interface SpecAdditions {
  /** Added to the spec's mounts (volumes, /etc/hosts...), after the container's own. */
  mounts?: OciMount[];
  /** Join this network namespace (else: a new empty one, or the host's). */
  netnsPath?: string;
  /** Join another container's PID / IPC namespace (--pid, --ipc container:<x>). */
  pidnsPath?: string;
  ipcnsPath?: string;
  /** Appended to the process env (legacy links). */
  env?: string[];
  /** The UTS names when another container's decide them (--network container:<x> takes x's,
   * as dockerd does at start); else the container's own Config.Hostname/Domainname. */
  hostname?: string;
  domainname?: string;
}

export interface RunAttachment {
  readonly name: string;
  /** Before the runtime creates the container (a start, or a prepared start right after the
   *  API create). Idempotent: a set-up over an earlier run's leftovers replaces them. */
  setUp(c: ContainerRow): Promise<SpecAdditions>;
  /** The run is over (exit recorded, prepared start ended, failed start) or before removal.
   *  Idempotent and cheap when there is nothing to do (restore calls it for every stopped container). */
  tearDown(c: ContainerRow): Promise<void>;
  /** At restore, for a container whose process still runs. */
  adopt(c: ContainerRow): Promise<void>;
  /** After the container's row is deleted (anonymous volumes, endpoint records). */
  removed(c: ContainerRow, opts: { removeVolumes: boolean }): Promise<void>;
  /** The run began (recorded running) / its exit was recorded. Synchronous, must not throw. */
  runStarted?(c: ContainerRow): void;
  runEnded?(c: ContainerRow): void;
}

export class ContainerAttachments {
  readonly #list: readonly RunAttachment[];
  readonly #logger: Logger | undefined;
  /** Per container, the attachments whose last tearDown failed (with the row it was for). */
  readonly #failed = new Map<string, { row: ContainerRow; names: Set<string> }>();

  constructor(list: readonly RunAttachment[], o: { logger?: Logger } = {}) {
    this.#list = list;
    this.#logger = o.logger;
  }

  /** Each attachment's setUp in order, after retrying the tearDowns that failed for `c`. */
  async setUp(c: ContainerRow): Promise<SpecAdditions> {
    const pending = this.#failed.get(c.id);
    if (pending) await this.#tearDown(pending.row, (a) => pending.names.has(a.name));
    const parts: SpecAdditions[] = [];
    for (const a of this.#list) parts.push(await a.setUp(c));
    return mergeAdditions(parts);
  }

  /** Each attachment's tearDown in reverse order; failures are logged and kept for a retry. */
  tearDown(c: ContainerRow): Promise<void> {
    return this.#tearDown(c, () => true);
  }

  async #tearDown(c: ContainerRow, which: (a: RunAttachment) => boolean): Promise<void> {
    for (const a of [...this.#list].reverse()) {
      if (!which(a)) continue;
      try {
        await a.tearDown(c);
        this.#forget(c.id, a.name);
      } catch (err) {
        logFailure(this.#logger, `tearDown of ${a.name} (retried at the next start or restore)`, { fields: { container: c.id }, level: 'warn' })(err);
        const entry = this.#failed.get(c.id) ?? { row: c, names: new Set<string>() };
        entry.row = c;
        entry.names.add(a.name);
        this.#failed.set(c.id, entry);
      }
    }
  }

  #forget(id: string, name: string): void {
    const entry = this.#failed.get(id);
    entry?.names.delete(name);
    if (entry && entry.names.size === 0) this.#failed.delete(id);
  }

  /** At restore, for a running container: each attachment takes it over again. */
  async adopt(c: ContainerRow): Promise<void> {
    for (const a of this.#list) await a.adopt(c).catch(logFailure(this.#logger, `adopt of ${a.name} at restore`, { fields: { container: c.id }, level: 'warn' }));
  }

  /** The run began: each attachment announces it. Last in the list first, at both ends: dockerd
   * announces the network before the volumes when a run begins and again when it ends, and the
   * list has the volumes first (their set-up order). */
  runStarted(c: ContainerRow): void {
    for (const a of [...this.#list].reverse()) a.runStarted?.(c);
  }

  /** The run's exit was recorded: each attachment announces its end (order as runStarted). */
  runEnded(c: ContainerRow): void {
    for (const a of [...this.#list].reverse()) a.runEnded?.(c);
  }

  /** After the row is deleted: nothing of the container is retried any more. */
  async removed(c: ContainerRow, opts: { removeVolumes: boolean }): Promise<void> {
    this.#failed.delete(c.id);
    for (const a of [...this.#list].reverse()) await a.removed(c, opts).catch(logFailure(this.#logger, `${a.name} after removal`, { fields: { container: c.id }, level: 'warn' }));
  }

  /** Whether a tearDown of `id` failed and waits for its retry (for tests and diagnostics). */
  pendingTearDowns(id: string): string[] {
    return [...(this.#failed.get(id)?.names ?? [])];
  }
}

/** The attachments' additions as one: mounts and env in list order; one network namespace. */
export function mergeAdditions(parts: readonly SpecAdditions[]): SpecAdditions {
  const out: SpecAdditions = {};
  for (const p of parts) {
    if (p.mounts?.length) (out.mounts ??= []).push(...p.mounts);
    if (p.env?.length) (out.env ??= []).push(...p.env);
    if (p.hostname !== undefined) out.hostname = p.hostname;
    if (p.domainname !== undefined) out.domainname = p.domainname;
    if (p.pidnsPath !== undefined) out.pidnsPath = p.pidnsPath;
    if (p.ipcnsPath !== undefined) out.ipcnsPath = p.ipcnsPath;
    if (p.netnsPath === undefined) continue;
    // Two attachments placing the container in different namespaces is a bug of theirs.
    if (out.netnsPath !== undefined && out.netnsPath !== p.netnsPath) throw new Error(`attachments disagree on the network namespace: ${out.netnsPath} and ${p.netnsPath}`);
    out.netnsPath = p.netnsPath;
  }
  return out;
}
