// Each running container's log, kept as its logging driver says: rotated by a LogRotator from
// conmon's start (or from berthd's, for containers re-adopted after a restart) until it exits.
// The "none" driver keeps a small file only for attach, removed once the container has exited.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ContainerRow } from '../../store/containers.ts';
import type { Conmon } from '../../runtime/monitor/conmon.ts';
import type { Logger } from '../../lib/logger.ts';
import { KEEP_SUFFIX, listRotated } from '../../runtime/monitor/log-files.ts';
import { LogRotator, beforeStart, conmonLogLimit } from '../../runtime/monitor/log-rotation.ts';
import { notImplemented } from '../../api/types/errors.ts';
import { DeletedLater } from '../../lib/deleted-later.ts';
import { logPolicy, resolveLogConfig, type DaemonLogDefaults, type LogConfig, type LogPolicy } from './log-config.ts';
import { logFailure } from '../../lib/log-failure.ts';

export interface ContainerLogsDeps {
  conmon: Conmon;
  /** Where the rotation state of a run is kept (beside the bundle: gone with the run's state). */
  stateDir: (id: string) => string;
  defaults: () => DaemonLogDefaults;
  logger?: Logger;
  /** How long the "none" driver's file outlives the container, for attached readers to finish. */
  noneGraceMs?: number;
}

/** Log directories of removed containers, being deleted (beside the live ones). */
const REMOVED_PREFIX = '.removed-';

export class ContainerLogs {
  readonly #deps: ContainerLogsDeps;
  /** The log's size when conmon was started for it, until adopt() takes it. */
  readonly #startSizes = new Map<string, number>();
  readonly #rotators = new Map<string, LogRotator>();
  readonly #deleted = new DeletedLater((path, err) => this.#deps.logger?.warn(`cannot delete ${path}: ${err.message}`));

  constructor(deps: ContainerLogsDeps) {
    this.#deps = deps;
  }

  /** The LogConfig a container got at create (containers older than logging drivers get the daemon's). */
  configOf(c: ContainerRow): LogConfig {
    try {
      return resolveLogConfig(c.hostConfig.LogConfig, this.#deps.defaults());
    } catch {
      return { Type: 'json-file', Config: {} };
    }
  }

  policyOf(c: ContainerRow): LogPolicy {
    try {
      return logPolicy(this.configOf(c));
    } catch {
      return logPolicy({ Type: 'json-file', Config: {} });
    }
  }

  /** `docker logs` on a driver that keeps nothing: dockerd's error (501). */
  checkReadable(c: ContainerRow): void {
    if (!this.policyOf(c).readable) throw notImplemented('configured logging driver does not support reading');
  }

  /** Before conmon starts: returns conmon's options for the log. */
  async prepare(c: ContainerRow): Promise<{ logMaxSize?: number }> {
    const policy = this.policyOf(c);
    await this.#rotators.get(c.id)?.stop(); // the last run's, if its exit is still being recorded
    if (!policy.readable) await removeLogFiles(c.logPath);
    this.#startSizes.set(c.id, await beforeStart(c.logPath));
    const limit = conmonLogLimit(policy);
    return limit === undefined ? {} : { logMaxSize: limit };
  }

  /** A removed container's log directory: renamed away at once (the removal waits for nothing
   * more; a log can be large), its files deleted behind the caller. */
  removeDir(c: ContainerRow): void {
    const dir = dirname(c.logPath);
    const trash = join(dirname(dir), `${REMOVED_PREFIX}${c.id}-${randomBytes(4).toString('hex')}`);
    try {
      renameSync(dir, trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    this.#deleted.add(trash);
  }

  /** At startup: directories a crash left half deleted. */
  clearRemoved(root: string): void {
    if (!existsSync(root)) return;
    for (const name of readdirSync(root).filter((n) => n.startsWith(REMOVED_PREFIX))) this.#deleted.add(join(root, name));
  }

  /** A prepared run that will not start: what prepare() noted for it goes. */
  forget(id: string): void {
    this.#startSizes.delete(id);
  }

  /** Rotate the log of a run from now until `exited` settles (after start, or when re-adopted). */
  async adopt(c: ContainerRow, conmonPid: number, exited: Promise<unknown>): Promise<void> {
    const warn = (err: unknown) => this.#deps.logger?.warn(`log rotation of ${c.id.slice(0, 12)}: ${(err as Error).message}`);
    const policy = this.policyOf(c);
    const startSize = this.#startSizes.get(c.id);
    this.#startSizes.delete(c.id);
    const conmonLimit = startSize !== undefined ? conmonLogLimit(policy) : await limitOf(conmonPid);
    const rotator = new LogRotator({
      path: c.logPath, policy, conmonLimit, conmonPid, onError: warn,
      reopen: () => this.#deps.conmon.reopenLog(c.id),
      alive: () => this.#deps.conmon.isAlive(conmonPid, c.id),
      statePath: join(this.#deps.stateDir(c.id), 'log-rotation.json'),
    });
    const previous = this.#rotators.get(c.id);
    this.#rotators.set(c.id, rotator);
    await previous?.stop();
    const ended = async () => {
      await rotator.stop();
      if (this.#rotators.get(c.id) !== rotator) return;
      this.#rotators.delete(c.id);
      await rm(`${c.logPath}${KEEP_SUFFIX}`, { force: true }).catch(logFailure(this.#deps.logger, 'removing the log\'s keep file', { fields: { container: c.id } })); // nobody writes any more
      if (!policy.readable) setTimeout(() => void this.#removeUnlessRunning(c), this.#deps.noneGraceMs ?? 2000).unref();
    };
    void exited.then(ended, ended);
    await rotator.start(startSize).catch(warn);
  }

  /** The run's process has ended and conmon with it: the log gets its last rotation before the
   * exit is announced, so what `wait` reports is the log as it stays. */
  async finish(id: string): Promise<void> {
    await this.#rotators.get(id)?.finish();
  }

  /** Daemon shutdown: no rotation is left half done (conmon keeps writing; the next berthd re-adopts). */
  async stopAll(): Promise<void> {
    const all = [...this.#rotators.values()];
    this.#rotators.clear();
    await Promise.all(all.map((r) => r.stop()));
  }

  async #removeUnlessRunning(c: ContainerRow): Promise<void> {
    if (!this.#rotators.has(c.id) && !this.#startSizes.has(c.id)) await removeLogFiles(c.logPath).catch(logFailure(this.#deps.logger, 'removing the log of a none-driver container', { fields: { container: c.id } }));
  }
}

async function removeLogFiles(path: string): Promise<void> {
  for (const r of await listRotated(path)) await rm(r.path, { force: true });
  await rm(`${path}${KEEP_SUFFIX}`, { force: true });
  await rm(path, { force: true });
}

/** The --log-size-max a running conmon was given (from its command line). */
async function limitOf(conmonPid: number): Promise<number | undefined> {
  const argv = await readFile(`/proc/${conmonPid}/cmdline`, 'utf8').then((s) => s.split('\0'), (): string[] => []);
  const i = argv.indexOf('--log-size-max');
  const n = i < 0 ? NaN : Number(argv[i + 1]);
  return n > 0 ? n : undefined;
}
