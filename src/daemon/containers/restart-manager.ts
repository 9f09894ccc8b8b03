// Restarts by policy: after an exit the user did not ask for, the container waits in
// "restarting" for its back-off and is started again; a stop, kill or removal meanwhile cancels
// that. At daemon start, containers with `always` (and `unless-stopped` ones nobody stopped)
// are started again, as dockerd does.
import type { ContainerRow } from '../../store/containers.ts';
import type { ContainerService } from './container-service.ts';
import type { ExitStatus } from '../../runtime/monitor/exits.ts';
import { nextBackoff, restartPolicyOf, shouldRestart, startsWithDaemon } from './restart-policy.ts';

/** How the lifecycle runs what the manager decides, each under the container's lock. */
export interface RestartRunner {
  /** A restart whose back-off is over: a no-op if a stop or removal came first. */
  restart(id: string): Promise<void>;
  /** A start at daemon start. */
  start(id: string): Promise<void>;
}

export class RestartManager {
  readonly #svc: ContainerService;
  readonly #run: RestartRunner;
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #backoff = new Map<string, number>();
  #closed = false;

  constructor(svc: ContainerService, run: RestartRunner) {
    this.#svc = svc;
    this.#run = run;
  }

  /** Called once an exit is recorded; true when a restart was scheduled. */
  afterExit(c: ContainerRow, exit: ExitStatus): boolean {
    const policy = restartPolicyOf(c.hostConfig);
    if (this.#closed || !shouldRestart(policy, { exitCode: exit.exitCode, restartCount: c.restartCount, manuallyStopped: c.manuallyStopped })) {
      this.#backoff.delete(c.id);
      return false;
    }
    const ranFor = Date.parse(exit.finishedAt) - Date.parse(c.startedAt);
    const delay = nextBackoff(this.#backoff.get(c.id), Number.isFinite(ranFor) ? ranFor : 0);
    this.#backoff.set(c.id, delay);
    this.#svc.deps.table.update(c.id, { status: 'restarting' });
    this.#pending.set(c.id, setTimeout(() => void this.#restart(c.id), delay));
    return true;
  }

  async #restart(id: string): Promise<void> {
    this.#pending.delete(id);
    try {
      await this.#run.restart(id);
    } catch (err) {
      // A start that fails is an exit like any other: the policy decides again (with back-off).
      this.#svc.deps.logger.warn('restart by policy failed', { id, error: (err as Error).message });
      const now = this.#svc.deps.table.get(id);
      if (now && now.status === 'exited') this.afterExit(now, { exitCode: 128, finishedAt: new Date().toISOString() });
    }
  }

  /** Whether a restart is pending; cancels it (stop, kill, removal, daemon shutdown). */
  cancel(id: string): boolean {
    const t = this.#pending.get(id);
    if (t) clearTimeout(t);
    this.#pending.delete(id);
    this.#backoff.delete(id);
    // Also when the back-off is over and the restart waits for the lock: it sees "exited".
    const c = this.#svc.deps.table.get(id);
    if (c?.status !== 'restarting') return t !== undefined;
    this.#svc.deps.table.update(id, { status: 'exited' });
    return true;
  }

  /** Daemon start: what a policy says must run again. */
  async startAll(rows: ContainerRow[]): Promise<void> {
    const todo = rows.filter((c) => (c.status === 'exited' || c.status === 'restarting') && startsWithDaemon(restartPolicyOf(c.hostConfig), c.manuallyStopped));
    for (const c of todo) this.#svc.deps.table.update(c.id, { status: 'exited' });
    await Promise.all(todo.map((c) => this.#run.start(c.id).catch((err: Error) => this.#svc.deps.logger.warn('start by policy failed', { id: c.id, error: err.message }))));
  }

  /** Daemon shutdown: no restart from now on (the next daemon start applies the policies). */
  close(): void {
    this.#closed = true;
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
  }
}
