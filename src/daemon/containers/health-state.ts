// State.Health as dockerd keeps it (daemon/health.go), as pure functions: what a start, a stop
// and each probe result make of it, when the next probe runs, and the probe output as recorded.
import type { ContainerHealth, HealthLogEntry } from '../../store/containers.ts';
import type { HealthSettings } from './health-config.ts';
import { formatGoDuration } from '../../lib/go-duration.ts';

const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT_BYTES = 4096;

/** A start (or a re-adoption after a daemon restart): starting again, the old log kept. */
export function startingHealth(prev: ContainerHealth | undefined): ContainerHealth {
  return { Status: 'starting', FailingStreak: 0, Log: prev?.Log ?? [] };
}

/** The monitor stopped (exit, pause): dockerd reports such a container unhealthy. */
export function stoppedHealth(prev: ContainerHealth): ContainerHealth {
  return { ...prev, Status: 'unhealthy' };
}

/** One probe's result folded in. A failure inside the start period does not count while the
 * container is still starting; `retries` failures in a row make it unhealthy. */
export function applyResult(prev: ContainerHealth, result: HealthLogEntry, s: HealthSettings, startedAtMs: number): ContainerHealth {
  const Log = [...prev.Log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const sinceStartNs = (Date.parse(result.Start) - startedAtMs) * 1e6;
  if (prev.Status === 'starting' && sinceStartNs < s.startPeriodNs) return { ...prev, Log };
  const FailingStreak = prev.FailingStreak + 1;
  return { Status: FailingStreak >= s.retries ? 'unhealthy' : prev.Status, FailingStreak, Log };
}

/** Milliseconds until the next probe, counted from the end of the last (or from the start). The
 * start interval applies while starting inside the start period, and a probe falls due as the
 * start period ends if that comes before the interval would. */
export function nextProbeDelayMs(s: HealthSettings, startedAtMs: number, status: ContainerHealth['Status'], now = Date.now()): number {
  const elapsedNs = (now - startedAtMs) * 1e6;
  if (elapsedNs >= s.startPeriodNs) return s.intervalNs / 1e6;
  const remainingNs = s.startPeriodNs - elapsedNs;
  if (remainingNs < s.intervalNs) return remainingNs / 1e6;
  return (status === 'starting' ? s.startIntervalNs : s.intervalNs) / 1e6;
}

/** Keeps the first 4096 bytes of the probe's output; "..." marks that more was cut. */
export class OutputLimit {
  readonly #parts: Buffer[] = [];
  #size = 0;
  #truncated = false;

  push(chunk: Buffer): void {
    const keep = Math.min(MAX_OUTPUT_BYTES - this.#size, chunk.length);
    if (keep > 0) {
      this.#parts.push(chunk.subarray(0, keep));
      this.#size += keep;
    }
    if (keep < chunk.length) this.#truncated = true;
  }

  text(): string {
    return Buffer.concat(this.#parts).toString('utf8') + (this.#truncated ? '...' : '');
  }
}

export function timeoutOutput(timeoutNs: number, output: string): string {
  const msg = `Health check exceeded timeout (${formatGoDuration(timeoutNs)})`;
  return output ? `${msg}: ${output}` : msg;
}

/** Now, in nanoseconds (sub-millisecond digits from the monotonic clock, as the events do). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

/** Go's RFC3339Nano: UTC, trailing zeros of the fraction dropped. */
export function rfc3339Nano(ns: bigint): string {
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac}` : ''}Z`;
}
