// The runtime side of a container's run, as the lifecycle asks for it: mount the rootfs, write
// the bundle, and have conmon run `runc create` (the container's process then waits on runc's
// exec FIFO for the start); and end a created container that will not be started. The
// lifecycle decides when (under the container's lock); this file knows how.
//
// The attachments (attachments.ts) are set up here, the one place for every create (a start's or
// a prepared one's), in parallel with the rootfs mount; their additions are in the spec and the
// key. Ending a created container tears them down, as does undoing a failed prepared create.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRow } from '../../store/containers.ts';
import type { ContainerService } from './container-service.ts';
import type { Conmon, ConmonCreateOptions } from '../../runtime/monitor/conmon.ts';
import type { ContainerRuntimes } from './container-runtimes.ts';
import { readPid } from '../../runtime/monitor/conmon-launch.ts';
import { specJson } from '../../runtime/spec/index.ts';
import { pinBinds } from '../../runtime/spec/pinned-binds.ts';
import { isLiveProcess } from '../../lib/proc.ts';
import type { ContainerLogs } from './container-logs.ts';
import { consoleSizeOf, containerSpec } from './container-spec.ts';
import type { CreatedContainer } from './prepared-starts.ts';
import type { Logger } from '../../lib/logger.ts';
import { alreadyGone, logFailure } from '../../lib/log-failure.ts';
import type { ContainerAttachments, SpecAdditions } from './attachments.ts';
import { ensureInitFiles } from './init-files.ts';

export interface RuntimeContainersDeps {
  svc: ContainerService;
  conmon: Conmon;
  runtime: ContainerRuntimes;
  logs: ContainerLogs;
  attachments: ContainerAttachments;
  execRoot: string;
  initPath?: string;
  /** Whether a copy or export is using the rootfs: the unmount is then left to it. */
  rootfsInUse: (id: string) => boolean;
  /** Clean-ups that fail while the caller goes on are traced there (debug). */
  logger?: Logger;
}

/** What a create is made from; `key` says whether a prepared one can serve a start. */
export interface CreatePlan {
  spec: string;
  options: Omit<ConmonCreateOptions, 'runtime' | 'logMaxSize'>;
  key: string;
}

export class RuntimeContainers {
  readonly #deps: RuntimeContainersDeps;

  constructor(deps: RuntimeContainersDeps) {
    this.#deps = deps;
  }

  /** A .catch for a step whose failure the caller goes on from: a debug line naming it. */
  #failed(what: string, id: string): (err: unknown) => undefined {
    return logFailure(this.#deps.logger, what, { fields: { container: id } });
  }

  bundle(id: string): string {
    return join(this.#deps.execRoot, 'containers', id);
  }

  /** The pid conmon wrote into the container's bundle (0 when there is none). */
  conmonPidOf(id: string): number {
    try {
      return readPid(join(this.bundle(id), 'conmon.pid'));
    } catch {
      return 0;
    }
  }

  /** The spec and conmon's options for a start of `c` (whose rootfs is mounted at `rootfs`),
   * with what its attachments add. */
  plan(c: ContainerRow, rootfs: string, additions: SpecAdditions = {}): CreatePlan {
    const oci = containerSpec(c, rootfs, { additions, ...(this.#deps.initPath && { initPath: this.#deps.initPath }) });
    const spec = specJson(oci);
    const cfg = c.config as { Tty?: boolean; OpenStdin?: boolean; StdinOnce?: boolean };
    const consoleSize = consoleSizeOf(c);
    const bundle = this.bundle(c.id);
    const options = {
      id: c.id, name: c.name.slice(1), bundle, logPath: c.logPath,
      pidFile: join(bundle, 'pid'), conmonPidFile: join(bundle, 'conmon.pid'),
      terminal: cfg.Tty === true, ...(consoleSize && { consoleSize }), stdin: cfg.OpenStdin === true, leaveStdinOpen: cfg.OpenStdin === true && !cfg.StdinOnce,
    };
    const runtime = this.#deps.runtime.identity(runtimeName(c));
    return { spec, options, key: JSON.stringify([spec, options, runtime, this.#deps.logs.configOf(c), bindSources(oci.mounts ?? [])]) };
  }

  /** Mount, bundle, conmon + `runc create`: the container's process then waits on runc's exec
   * FIFO. Rejects once its mount has settled; the caller cleans up. */
  async create(c: ContainerRow): Promise<CreatedContainer> {
    const layers = this.#deps.svc.deps.images.deps.layers;
    // Mounted while the directories are made and the log prepared; the spec waits for it, as
    // users and groups are looked up in the container's /etc/passwd and /etc/group.
    const mounted = layers.mount(c.rwCacheId);
    const attached = this.#deps.attachments.setUp(c);
    // Awaited below or in the catch, maybe after it has failed: not an unhandled rejection meanwhile.
    attached.catch(() => undefined);
    try {
      // Small files and directories on the path of every start: synchronously, as a thread-pool
      // round trip per call would cost more than the calls themselves.
      const bundle = this.bundle(c.id);
      mkdirSync(bundle, { recursive: true, mode: 0o700 });
      rmSync(join(bundle, 'oom'), { force: true }); // a previous run's
      mkdirSync(join(c.logPath, '..'), { recursive: true, mode: 0o700 });
      const logging = await this.#deps.logs.prepare(c);
      const [rootfs, additions] = await Promise.all([mounted, attached]);
      ensureInitFiles(rootfs);
      const plan = this.plan(c, rootfs, additions);
      // Binds a policy approved go to the runtime staged from descriptors opened without
      // symlinks, until its create is over; the key stays the plan's (by path), so a prepared
      // start is still recognised.
      const mounts = additions.mounts ?? [];
      const pinned = pinBinds(mounts, approvedSources(c), join(bundle, 'pinned'));
      try {
        const spec = pinned.mounts === mounts ? plan.spec : this.plan(c, rootfs, { ...additions, mounts: pinned.mounts }).spec;
        writeFileSync(join(bundle, 'config.json'), spec);
        const runtime = this.#deps.runtime.forStart(c.id, runtimeName(c));
        const { pid, conmonPid } = await this.#deps.conmon.create({ ...plan.options, runtime, ...logging });
        return { key: plan.key, pid, conmonPid, additions };
      } finally {
        try {
          pinned.close();
        } catch (err) {
          logFailure(this.#deps.logger, 'detaching the staged binds', { level: 'warn', fields: { container: c.id } })(err);
        }
      }
    } catch (err) {
      // Settled first: a mount (or a set-up) landing after the caller's clean-up would stay.
      await mounted.catch(this.#failed('the rootfs mount of a failed create', c.id));
      await attached.catch(this.#failed('the attachments\' setUp of a failed create', c.id));
      throw err;
    }
  }

  /** Ends a created container that will not be started: `runc delete --force` kills its waiting
   * process, conmon records that end and exits, and its files go (and the mount, if asked). */
  async end(c: ContainerRow, made: CreatedContainer, unmount: boolean): Promise<void> {
    const { runtime, conmon } = this.#deps;
    const alive = made.conmonPid > 0 && (await conmon.isAlive(made.conmonPid, c.id));
    // The waiting process is killed first, and conmon reaps it and records its end before the
    // delete: the delete then finds the cgroups empty and needs no runc run. (`runc delete
    // --force` kills it itself but gives up on the cgroups after ~150 ms if the monitor has not
    // reaped it by then — on a busy machine an empty cgroup was left for good.)
    const killed = await runtime.kill(c.id, 9).then(() => true, () => false);
    // Its exit file must be written before the next monitor's run begins, or it would be taken
    // for that run's exit; a monitor that is gone already writes nothing more.
    let ended = alive && killed && (await conmon.waitExit(c.id, AbortSignal.timeout(5000)).then(() => true, () => false));
    const deleted = await runtime.delete(c.id, true).then(() => true, () => false);
    if (!deleted && made.pid > 0 && isLiveProcess(made.pid)) {
      // runc could not end it: its init is conmon's child (its pid cannot have been reused).
      signal(made.pid, 'SIGKILL');
      await runtime.delete(c.id, true).catch(this.#failed('runc delete of a created container, after SIGKILL', c.id));
    }
    ended ||= alive && (await conmon.waitExit(c.id, AbortSignal.timeout(5000)).then(() => true, () => false));
    if (alive && !ended && (await conmon.isAlive(made.conmonPid, c.id))) signal(made.conmonPid, 'SIGKILL');
    await conmon.cleanup(c.id);
    this.#deps.logs.forget(c.id);
    if (unmount && !this.#deps.rootfsInUse(c.id)) await this.#deps.svc.deps.images.deps.layers.unmount(c.rwCacheId).catch(this.#failed('unmount of a created container', c.id));
    await this.#deps.attachments.tearDown(c);
  }

  /** A created container the last daemon was preparing or starting when it went away: its
   * conmon outlives it and may still be running `runc create` (runc's state is not there yet,
   * so a list of runc's containers misses it, and the next start would meet "container with
   * given ID already exists"). Waits, bounded, for that create to end, then ends the container.
   * False when no monitor of it is alive. */
  async endLeftover(c: ContainerRow): Promise<boolean> {
    const conmonPid = this.conmonPidOf(c.id);
    const { conmon } = this.#deps;
    if (!conmonPid || !(await conmon.isAlive(conmonPid, c.id))) return false;
    const pidFile = join(this.bundle(c.id), 'pid'); // conmon writes it once runc create is done
    const deadline = Date.now() + 5000;
    while (!existsSync(pidFile) && Date.now() < deadline && (await conmon.isAlive(conmonPid, c.id))) await new Promise((r) => setTimeout(r, 20));
    let pid = 0;
    try {
      pid = readPid(pidFile);
    } catch {
      /* runc create failed or is still going: end() kills the monitor and deletes what exists */
    }
    await this.end(c, { key: '', pid, conmonPid, additions: {} }, true);
    return true;
  }

  /** create(), once more after ending a stray container of the same id that the runtime still
   * holds (a create whose monitor outlived a daemon or a preparation given up on): runc refuses
   * with "container with given ID already exists", a 500 for a container that can start. */
  async createOverStray(c: ContainerRow): Promise<CreatedContainer> {
    try {
      return await this.create(c);
    } catch (err) {
      if (!/already exists/.test((err as Error).message)) throw err;
      this.#deps.logger?.warn('ending a stray runtime container before its start', { container: c.id, error: (err as Error).message });
      // Ended as any created container is, with its monitor (found by its command line: the pid
      // file names the failed create's monitor now), so that monitor's exit file is written and
      // cleared before the new monitor runs.
      const failed = this.conmonPidOf(c.id);
      const conmonPid = (await this.#deps.conmon.monitorsOf(c.id)).find((pid) => pid !== failed) ?? 0;
      await this.end(c, { key: '', pid: 0, conmonPid, additions: {} }, false);
      return this.create(c);
    }
  }

  /** create(), and on failure what it left cleared (runc's state, conmon's files, the mount). */
  async createOrUndo(c: ContainerRow): Promise<CreatedContainer> {
    try {
      return await this.create(c);
    } catch (err) {
      const { runtime, conmon, logs, svc } = this.#deps;
      await runtime.delete(c.id, true).catch(this.#failed('runc delete after a failed create', c.id));
      await conmon.cleanup(c.id).catch(this.#failed('conmon clean-up after a failed create', c.id));
      logs.forget(c.id);
      if (!this.#deps.rootfsInUse(c.id)) await svc.deps.images.deps.layers.unmount(c.rwCacheId).catch(this.#failed('unmount after a failed create', c.id));
      await this.#deps.attachments.tearDown(c);
      throw err;
    }
  }
}

/** The host paths bound into the container, each with the file's identity: a source replaced
 * (a file renamed over, a mount on a directory) since a prepared start was made binds something
 * else, though the spec's text is the same. */
function bindSources(mounts: readonly { source?: string; options?: string[] }[]): string[] {
  return mounts.filter((m) => m.source?.startsWith('/') && m.options?.some((o) => o === 'bind' || o === 'rbind')).map((m) => {
    const st = statSync(m.source!, { throwIfNoEntry: false, bigint: true });
    return `${m.source}:${st ? `${st.dev}:${st.ino}` : '-'}`;
  });
}

/** Destination → real path, for the binds an authorization rule approved at create. */
function approvedSources(c: ContainerRow): Map<string, string> {
  return new Map((c.mounts ?? []).flatMap((m) => (m.Type === 'bind' && m.approvedSource ? [[m.Destination, m.approvedSource] as const] : [])));
}

/** The runtime the container names (every create stores one; older rows may have none). */
function runtimeName(c: ContainerRow): string | undefined {
  return (c.hostConfig as { Runtime?: string }).Runtime;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if (!alreadyGone(err)) throw err; // ESRCH: gone meanwhile
  }
}

