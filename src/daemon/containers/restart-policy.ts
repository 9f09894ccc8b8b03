// Restart policies as dockerd applies them (HostConfig.RestartPolicy {Name, MaximumRetryCount}):
// which exits are restarted, and the back-off between restarts — 100 ms, doubled after each
// restart up to a minute, and back to 100 ms once a run has lasted 10 seconds.
import { invalidParameter } from '../../api/types/errors.ts';

export type PolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  name: PolicyName;
  maxRetries: number;
}

const NAMES = ['', 'no', 'always', 'unless-stopped', 'on-failure'];

/** The policy of a HostConfig; refuses what dockerd refuses, with its texts. */
export function restartPolicyOf(hostConfig: { RestartPolicy?: unknown }): RestartPolicy {
  // Unchecked here: a create's or an update's body, before any other check.
  const raw = (hostConfig.RestartPolicy ?? {}) as { Name?: unknown; MaximumRetryCount?: unknown };
  const name = typeof raw.Name === 'string' ? raw.Name : '';
  if (!NAMES.includes(name)) throw invalidParameter(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  const max = typeof raw.MaximumRetryCount === 'number' ? raw.MaximumRetryCount : 0;
  if (max < 0) throw invalidParameter('invalid restart policy: maximum retry count cannot be negative');
  if (max > 0 && name !== 'on-failure') throw invalidParameter(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  return { name: (name || 'no') as PolicyName, maxRetries: max };
}

/** Checks a create or update request: a policy, and no policy together with AutoRemove. */
export function validateRestartPolicy(hostConfig: { RestartPolicy?: unknown; AutoRemove?: unknown }): void {
  const p = restartPolicyOf(hostConfig);
  if (p.name !== 'no' && hostConfig.AutoRemove === true) throw invalidParameter(`can't create 'AutoRemove' container with restart policy`);
}

/** Whether an exit (not asked for by a user) is followed by a restart. */
export function shouldRestart(p: RestartPolicy, s: { exitCode: number; restartCount: number; manuallyStopped: boolean }): boolean {
  if (s.manuallyStopped) return false;
  switch (p.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return s.exitCode !== 0 && (p.maxRetries === 0 || s.restartCount < p.maxRetries);
    default:
      return false;
  }
}

/** Whether a stopped container is started with the daemon: `always` even when a user stopped
 * it (Docker's documented meaning), `unless-stopped` only when nobody did. */
export function startsWithDaemon(p: RestartPolicy, manuallyStopped: boolean): boolean {
  return p.name === 'always' || (p.name === 'unless-stopped' && !manuallyStopped);
}

const INITIAL_MS = 100;
const MAX_MS = 60_000;
const RESET_AFTER_MS = 10_000;

/** The delay before the next restart, given the last one and how long the run lasted. */
export function nextBackoff(previousMs: number | undefined, ranForMs: number): number {
  if (previousMs === undefined || ranForMs >= RESET_AFTER_MS) return INITIAL_MS;
  return Math.min(previousMs * 2, MAX_MS);
}
