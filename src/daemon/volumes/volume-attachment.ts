// A container's mounts at each run (the volumes RunAttachment of containers/attachments.ts):
// set-up makes a missing `-v` host directory, mounts option volumes at their first user, fills
// an empty new volume from the image's directory (copy-up), and hands the OCI mounts to the
// spec; tear-down unmounts option volumes no running container uses any more; removal takes a
// container's anonymous volumes with it when asked (`rm -v`, `--rm`).
import type { RunAttachment } from '../containers/attachments.ts';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { bindMount, tmpfsMount, resolveInRoot, type OciMount } from '../../runtime/spec/index.ts';
import type { ContainerRow, StoredMount } from '../../store/containers.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { invalidParameter, isKind } from '../../api/types/errors.ts';
import { run } from '../../image/layers/exec.ts';
import type { EventsService } from '../events/events-service.ts';
import type { VolumeService } from './volume-service.ts';
import { legacyMounts } from '../containers/legacy-mounts.ts';

export interface VolumeAttachmentDeps {
  volumes: VolumeService;
  events: EventsService;
  logger: Logger;
  /** The container's root filesystem, mounted (copy-up reads the image's directory there). */
  rootfs: (c: ContainerRow) => Promise<string>;
}

/** Implements RunAttachment (containers/attachments.ts). */
export class VolumeAttachment implements RunAttachment {
  readonly name = 'volumes';
  readonly #deps: VolumeAttachmentDeps;

  constructor(deps: VolumeAttachmentDeps) {
    this.#deps = deps;
  }

  async setUp(c: ContainerRow): Promise<{ mounts: OciMount[] }> {
    const mounts: OciMount[] = [];
    for (const m of mountsOf(c)) mounts.push(await this.#setUpOne(c, m));
    // Copy-up is decided once, at the first set-up (dockerd decides it at create): a volume
    // emptied later on purpose stays empty at the next start.
    if (c.mounts?.some((m) => m.copyData)) this.#deps.volumes.deps.containers.setMounts(c.id, c.mounts.map(({ copyData: _, ...m }) => m));
    return { mounts };
  }

  async #setUpOne(c: ContainerRow, m: StoredMount): Promise<OciMount> {
    if (m.Type === 'tmpfs') return tmpfsMount(m.Destination, m.tmpfsData ?? '');
    if (m.Type === 'bind') {
      // `-v /missing:/p` makes the host directory, as dockerd does at start.
      // A bind approved by a policy is mounted from the approved real path (pinned at create).
      const source = m.approvedSource ?? m.Source;
      if (m.createSource && !existsSync(source)) mkdirSync(source, { recursive: true, mode: 0o755 });
      return bindMount({ source, destination: m.Destination, readOnly: !m.RW, propagation: m.Propagation || 'rprivate', ...(m.nonRecursive && { nonRecursive: true }) });
    }
    const name = m.Name!;
    await this.#deps.volumes.users.acquire(name, c.id);
    if (m.copyData && this.#deps.volumes.deps.driver.isEmpty(name)) await this.#copyUp(c, m);
    return bindMount({ source: this.#sourceOf(m), destination: m.Destination, readOnly: !m.RW });
  }

  /** The volume's directory, or the sub-directory a Subpath names, resolved inside the volume
   * (links followed as if the volume were the root: never out of it). */
  #sourceOf(m: StoredMount): string {
    const data = this.#deps.volumes.deps.driver.path(m.Name!);
    if (m.subpath === undefined) return data;
    const source = resolveInRoot(data, `/${m.subpath}`);
    if (!existsSync(source)) throw invalidParameter(`cannot access path ${source}: no such file or directory (volume ${m.Name}, subpath ${m.subpath})`);
    return source;
  }

  /** The image's content at the destination into the empty volume: owners, modes, times, links
   * and xattrs kept (cp -a, including the directory's own owner and mode), as dockerd's
   * copyExistingContents. Nothing when the image has no (or an empty) directory there. */
  async #copyUp(c: ContainerRow, m: StoredMount): Promise<void> {
    const rootfs = await this.#deps.rootfs(c);
    const source = resolveInRoot(rootfs, m.Destination);
    if (!existsSync(source) || readdirSync(source).length === 0) return;
    const driver = this.#deps.volumes.deps.driver;
    driver.startCopy(m.Name!);
    await run('cp', ['-a', '--', `${source}/.`, `${driver.path(m.Name!)}/`]);
    driver.copyDone(m.Name!);
  }

  async tearDown(c: ContainerRow): Promise<void> {
    for (const m of volumesOf(c)) await this.#deps.volumes.users.release(m.Name!, c.id);
  }

  /** As dockerd's events: each volume mounted when the run begins, unmounted at its end — not
   * at set-up and tear-down, which a prepared start runs at create and a dropped one undoes. */
  runStarted(c: ContainerRow): void {
    for (const m of volumesOf(c)) {
      this.#deps.events.emit('volume', 'mount', m.Name!, {
        container: c.id, destination: m.Destination, driver: m.Driver ?? 'local', propagation: m.Propagation, 'read/write': String(m.RW),
      });
    }
  }

  runEnded(c: ContainerRow): void {
    for (const m of volumesOf(c)) this.#deps.events.emit('volume', 'unmount', m.Name!, { container: c.id, driver: m.Driver ?? 'local' });
  }

  async adopt(c: ContainerRow): Promise<void> {
    for (const m of volumesOf(c)) await this.#deps.volumes.users.acquire(m.Name!, c.id);
  }

  /** After the row is deleted: its anonymous volumes go with `rm -v` and with AutoRemove (as
   * dockerd's --rm), unless another container still uses one (then it stays, silently). */
  async removed(c: ContainerRow, opts: { removeVolumes: boolean }): Promise<void> {
    if (!opts.removeVolumes && (c.hostConfig as { AutoRemove?: unknown }).AutoRemove !== true) return;
    for (const m of c.mounts ?? []) {
      if (m.Type !== 'volume' || !m.anonymous || !m.Name) continue;
      await this.#deps.volumes.remove(m.Name, true).catch(logFailure(this.#deps.logger, 'removal of an anonymous volume', {
        fields: { container: c.id, volume: m.Name }, expected: (err) => isKind(err, 'conflict'), level: 'warn',
      }));
    }
  }
}

function volumesOf(c: ContainerRow): StoredMount[] {
  return mountsOf(c).filter((m) => m.Type === 'volume' && m.Name);
}

/** The container's stored mounts; for a row made before mounts were stored, its binds and
 * tmpfs mounts as berthd used to read them from HostConfig. */
function mountsOf(c: ContainerRow): StoredMount[] {
  return c.mounts?.length ? c.mounts : legacyMounts(c.hostConfig);
}
