// Restarts by policy: after an exit the user did not ask for, the container waits in
// "restarting" for its back-off and is started again; a stop, kill or removal meanwhile cancels
// that. At daemon start, containers with `always` (and `unless-stopped` ones nobody stopped)
// are started again, as dockerd does.
//
// Every status change here ("restarting", and back to "exited") is made under the container's
// lock: afterExit and cancel are called by its holders (exit recording, stop, kill, removal),
// and the manager's own timers and daemon-start starts take it (`RestartRunner.lock`).
import type { ContainerRow } from '../../store/containers.ts';
import type { ContainerService } from './container-service.ts';
import type { ExitStatus } from '../../runtime/monitor/exits.ts';
import { ApprovedSourceChanged } from '../../runtime/spec/pinned-binds.ts';
import { nextBackoff, restartPolicyOf, shouldRestart, startsWithDaemon } from './restart-policy.ts';

/** How the lifecycle runs what the manager decides. */
export interface RestartRunner {
  /** fn under the container's lock. */
  lock<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /** A start by the policy; the caller holds the lock. */
  startHeld(id: string): Promise<void>;
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

  /** Held: called once an exit is recorded; true when a restart was scheduled. */
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

  /** A back-off is over. Checked under the lock: a stop queued ahead of it has cancelled it. */
  async #restart(id: string): Promise<void> {
    this.#pending.delete(id);
    await this.#run.lock(id, async () => {
      const c = this.#svc.deps.table.get(id);
      if (!c || c.status !== 'restarting') return;
      this.#svc.deps.table.update(id, { status: 'exited', restartCount: c.restartCount + 1 });
      try {
        await this.#run.startHeld(id);
      } catch (err) {
        // A start that fails is an exit like any other: the policy decides again (with back-off).
        this.#svc.deps.logger.warn('restart by policy failed', { id, error: (err as Error).message });
        // A bind source that is no longer what the policy approved stays refused: no retry, the
        // container stays exited with the error (State.Error) until someone starts it.
        if (err instanceof ApprovedSourceChanged) return;
        const now = this.#svc.deps.table.get(id);
        if (now && now.status === 'exited') this.afterExit(now, { exitCode: 128, finishedAt: new Date().toISOString() });
      }
    });
  }

  /** Held: whether a restart is pending; cancels it (stop, kill, removal, daemon shutdown). */
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
    const start = (id: string) => this.#run.lock(id, async () => {
      this.#svc.deps.table.update(id, { status: 'exited' });
      await this.#run.startHeld(id);
    });
    await Promise.all(todo.map((c) => start(c.id).catch((err: Error) => this.#svc.deps.logger.warn('start by policy failed', { id: c.id, error: err.message }))));
  }

  /** Daemon shutdown: no restart from now on (the next daemon start applies the policies). */
  close(): void {
    this.#closed = true;
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
  }
}
