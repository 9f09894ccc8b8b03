// Health monitors: one probe loop per running container that has a health check. They follow
// the container events (start, die, pause, unpause, destroy), so the lifecycle needs no hooks,
// and at daemon start they resume for the containers live-restore re-adopted. Each result goes
// to the store (State.Health survives a restart); a change of status is a `health_status: <s>`
// event; becoming or staying unhealthy runs HostConfig.HealthOnFailure.
import type { ContainerService } from './container-service.ts';
import type { ExecService } from './exec-service.ts';
import type { HealthLogEntry } from '../../store/containers.ts';
import type { Logger } from '../../lib/logger.ts';
import { healthOnFailureOf, healthSettings, type HealthOnFailure, type HealthSettings } from './health-config.ts';
import { applyResult, nextProbeDelayMs, nowNs, rfc3339Nano, startingHealth, stoppedHealth, timeoutOutput } from './health-state.ts';
import { runInContainer } from './exec-run.ts';
import type { HealthConfig } from '../../image/types.ts';

export type HealthActions = Record<Exclude<HealthOnFailure, 'none'>, (id: string) => Promise<void>>;

export interface HealthMonitorDeps {
  svc: ContainerService;
  execs: ExecService;
  actions: HealthActions;
  logger: Logger;
}

export class HealthMonitor {
  readonly #deps: HealthMonitorDeps;
  readonly #loops = new Map<string, AbortController>();
  readonly #unsubscribe: () => void;

  constructor(deps: HealthMonitorDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.svc.deps.events.subscribe((e) => {
      if (e.type !== 'container') return;
      if (e.action === 'start') this.#begin(e.actorId, true);
      else if (e.action === 'unpause') this.#begin(e.actorId, false);
      else if (e.action === 'die' || e.action === 'pause' || e.action === 'destroy') this.#end(e.actorId);
    });
    this.#resume();
  }

  /** Daemon start: containers that run on get a monitor (starting again, as dockerd does on
   * restore); those that ended while no monitor watched are marked as a stop marks them. */
  #resume(): void {
    const table = this.#deps.svc.deps.table;
    for (const c of table.all()) {
      if (c.status === 'running') this.#begin(c.id, true);
      else if (c.status !== 'paused' && c.health && c.health.Status !== 'unhealthy') table.setHealth(c.id, stoppedHealth(c.health));
    }
  }

  /** Daemon shutdown: probing stops; the state stays as it is for the next start. */
  close(): void {
    this.#unsubscribe();
    for (const ac of this.#loops.values()) ac.abort();
    this.#loops.clear();
  }

  #begin(id: string, reset: boolean): void {
    const table = this.#deps.svc.deps.table;
    const c = table.get(id);
    if (!c || c.status !== 'running') return;
    const settings = healthSettings(c.config.Healthcheck as HealthConfig | undefined, c.config.Shell as string[] | undefined);
    if (!settings) return;
    this.#loops.get(id)?.abort();
    if (reset || !c.health) table.setHealth(id, startingHealth(c.health));
    const ac = new AbortController();
    this.#loops.set(id, ac);
    this.#loop(id, settings, Date.parse(c.startedAt), ac.signal).catch((err: Error) =>
      this.#deps.logger.warn('health monitor failed', { id, error: err.message }),
    );
  }

  /** The monitor stops; like dockerd, a container whose monitor stopped reads as unhealthy. */
  #end(id: string): void {
    const ac = this.#loops.get(id);
    if (!ac) return;
    ac.abort();
    this.#loops.delete(id);
    const c = this.#deps.svc.deps.table.get(id);
    if (c?.health) this.#deps.svc.deps.table.setHealth(id, stoppedHealth(c.health));
  }

  async #loop(id: string, s: HealthSettings, startedAtMs: number, signal: AbortSignal): Promise<void> {
    const { table } = this.#deps.svc.deps;
    while (!signal.aborted) {
      await sleep(nextProbeDelayMs(s, startedAtMs, table.get(id)?.health?.Status ?? 'starting'), signal);
      if (signal.aborted) return;
      const result = await this.#probe(id, s, signal);
      // A stop or removal meanwhile: the result is of no use (dockerd drops it too). A probe cut
      // short by the container ending (its `die` event is still to come) says nothing about its
      // health either, and acting on it would restart a container that is being removed.
      if (signal.aborted) return;
      const c = table.get(id);
      if (!c?.health || c.status !== 'running') return;
      const next = applyResult(c.health, result, s, startedAtMs);
      table.setHealth(id, next);
      if (next.Status !== c.health.Status) this.#deps.svc.emit(c, `health_status: ${next.Status}`);
      if (next.Status === 'unhealthy') await this.#onFailure(id, healthOnFailureOf(c.hostConfig));
    }
  }

  async #probe(id: string, s: HealthSettings, signal: AbortSignal): Promise<HealthLogEntry> {
    const start = rfc3339Nano(nowNs());
    try {
      const r = await runInContainer(this.#deps.execs, id, s.cmd, { timeoutMs: s.timeoutNs / 1e6, signal });
      const [ExitCode, Output] = r.timedOut ? [-1, timeoutOutput(s.timeoutNs, r.output)] : [r.exitCode, r.output];
      return { Start: start, End: rfc3339Nano(nowNs()), ExitCode, Output };
    } catch (err) {
      // A probe that cannot run (container stopping, exec refused) counts as a failure.
      return { Start: start, End: rfc3339Nano(nowNs()), ExitCode: -1, Output: (err as Error).message };
    }
  }

  async #onFailure(id: string, action: HealthOnFailure): Promise<void> {
    if (action === 'none') return;
    this.#deps.logger.info('container unhealthy: applying health-on-failure', { id, action });
    await this.#deps.actions[action](id).catch((err: Error) =>
      this.#deps.logger.warn('health-on-failure action failed', { id, action, error: err.message }),
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
